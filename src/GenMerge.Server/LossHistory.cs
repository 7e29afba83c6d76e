using System.Collections.Concurrent;
using System.Text.Json;
using GenMerge.Pipeline.Orchestration;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace GenMerge.Server;

public sealed record LossPoint(long Step, double LossG, double LossD);

/// <summary>Body of GET /api/merges/{id}/losses: each training job's losses over its steps, as far as this server saw them.</summary>
public sealed record LossCurves(string Id, IReadOnlyDictionary<string, IReadOnlyList<LossPoint>> Jobs);

/// <summary>
/// The status carries only each job's latest losses; this keeps their history for the dashboard's curves, so
/// a page opened late (or reloaded) still draws a run from where this server first saw it. In memory, per run,
/// sampled from running merges' status every <c>every</c>; thinned to every other point past a cap.
/// </summary>
public sealed class LossHistory(DurableTaskClient client, TimeSpan every, ILogger log)
{
    public const int MaxPointsPerJob = 2000;
    readonly ConcurrentDictionary<string, Dictionary<string, List<LossPoint>>> runs = new(StringComparer.Ordinal);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        do
        {
            try { await PollOnceAsync(cancellationToken); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogDebug(e, "loss history: poll failed"); }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running], FetchInputsAndOutputs = true };
        await foreach (OrchestrationMetadata meta in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (meta.Name != nameof(MergeOrchestrator)) continue;
            MergeProgress? progress;
            try { progress = meta.ReadCustomStatusAs<MergeProgress>(); }
            catch (JsonException) { continue; }
            if (progress is not null) Record(meta.InstanceId, progress);
        }
    }

    public void Record(string id, MergeProgress progress)
    {
        var jobs = runs.GetOrAdd(id, _ => new Dictionary<string, List<LossPoint>>(StringComparer.Ordinal));
        lock (jobs)
        {
            foreach (var (job, p) in progress.Jobs)
            {
                if (!jobs.TryGetValue(job, out var points)) jobs[job] = points = new List<LossPoint>();
                if (points.Count > 0 && points[^1].Step >= p.Step) continue;
                points.Add(new LossPoint(p.Step, p.LossG, p.LossD));
                if (points.Count > MaxPointsPerJob)
                {
                    var kept = points.Where((_, i) => i % 2 == 0 || i == points.Count - 1).ToList();
                    points.Clear();
                    points.AddRange(kept);
                }
            }
        }
    }

    public LossCurves Get(string id)
    {
        if (!runs.TryGetValue(id, out var jobs)) return new LossCurves(id, new Dictionary<string, IReadOnlyList<LossPoint>>());
        lock (jobs)
            return new LossCurves(id, jobs.ToDictionary(j => j.Key, j => (IReadOnlyList<LossPoint>)j.Value.ToList()));
    }
}
