using System.Text.Json.Serialization;
using GenMerge.Pipeline.Storage;

namespace GenMerge.Pipeline.Workers;

/// <summary>Who ran one activity of a run, and on what (<see cref="GenMerge.Core.Device.Describe"/>): runs/{run}/workers/{stage}/{key}.json.</summary>
public sealed record WorkerRecord(
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("task")] string Task,
    [property: JsonPropertyName("worker")] string Worker,
    [property: JsonPropertyName("started_utc")] DateTimeOffset StartedUtc,
    [property: JsonPropertyName("finished_utc")] DateTimeOffset? FinishedUtc,
    [property: JsonPropertyName("compute")] string? Compute = null);

/// <summary>
/// The per-activity worker records of a run. Each task has its own object, so concurrent workers never write the
/// same one; a start overwrites the record (the last worker to take the task), a finish is written only if no
/// finish is there yet, so a task re-run after its worker died names the worker that completed it.
/// </summary>
public static class WorkerRecords
{
    public const string Folder = "workers";

    public static string NameOf(RunArtifacts run, TaskLabel label) => run.At($"{Folder}/{label.Stage}/{label.Key}.json");

    public static Task StartedAsync(IArtifactStore store, TaskLabel label, string worker, DateTimeOffset now, string? compute = null) =>
        store.WriteJsonAsync(NameOf(new RunArtifacts(store, label.RunId), label), new WorkerRecord(label.Stage, label.Key, worker, now, null, compute));

    public static async Task FinishedAsync(IArtifactStore store, TaskLabel label, string worker, DateTimeOffset started, DateTimeOffset now, string? compute = null)
    {
        var name = NameOf(new RunArtifacts(store, label.RunId), label);
        if (await store.ExistsAsync(name) && (await store.ReadJsonAsync<WorkerRecord>(name)).FinishedUtc is not null) return;
        await store.WriteJsonAsync(name, new WorkerRecord(label.Stage, label.Key, worker, started, now, compute));
    }

    public static async Task<IReadOnlyList<WorkerRecord>> ReadAllAsync(RunArtifacts run, CancellationToken ct = default)
    {
        var records = new List<WorkerRecord>();
        foreach (var name in await run.Store.ListAsync($"{run.Root}/{Folder}/", ct))
            if (name.EndsWith(".json", StringComparison.Ordinal))
                records.Add(await run.Store.ReadJsonAsync<WorkerRecord>(name, cancellationToken: ct));
        return records;
    }

    /// <summary>Per stage, the distinct ids of the workers that ran its tasks (sorted); null when the run has no records.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>?> ByStageAsync(RunArtifacts run, CancellationToken ct = default) =>
        ByStage(await ReadAllAsync(run, ct));

    /// <summary><see cref="ByStageAsync"/> on records already read.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>>? ByStage(IReadOnlyList<WorkerRecord> records) =>
        records.Count == 0 ? null
        : records.GroupBy(r => r.Stage).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(r => r.Worker).Distinct().Order(StringComparer.Ordinal).ToList());

    /// <summary>Per worker that ran a task of the run, what it computed on (null when no record says).</summary>
    public static IReadOnlyDictionary<string, string>? ComputeByWorker(IReadOnlyList<WorkerRecord> records)
    {
        var named = records.Where(r => r.Compute is not null).GroupBy(r => r.Worker)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Compute!);
        return named.Count == 0 ? null : named;
    }
}
