using GenMerge.Core.Merging;
using GenMerge.Pipeline.Activities;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace GenMerge.Pipeline.Orchestration;

/// <summary>
/// A whole merge (DESIGN.md §1): validate sources, fan out synthetic shards, fan out rooting as
/// segmented sub-orchestrations, fan in to averaging + conditioning, fine-tune in segments, fan out
/// evaluation per domain, write the report. Deterministic: all I/O happens in activities, time comes
/// from the context.
/// </summary>
public sealed class MergeOrchestrator : TaskOrchestrator<MergeRunInput, MergeRunResult>
{
    public override async Task<MergeRunResult> RunAsync(TaskOrchestrationContext context, MergeRunInput input)
    {
        var log = context.CreateReplaySafeLogger<MergeOrchestrator>();
        var req = input.Request;
        var settings = req.ToSettings();
        var retry = Retries.Activity;
        var timings = new Dictionary<string, double>();
        var clock = context.CurrentUtcDateTime;
        void Lap(string stage)
        {
            var now = context.CurrentUtcDateTime;
            timings[stage] = Math.Round((now - clock).TotalSeconds, 3);
            clock = now;
        }
        var progress = new MergeProgress();
        void Status(MergeProgress p) { progress = p; context.SetCustomStatus(p); }

        Status(progress with { Stage = "validate" });
        var sources = await context.CallActivityAsync<List<SourceInfo>>(nameof(ValidateSourcesActivity), input, retry);
        Lap("validate");

        Status(progress with { Stage = "shards" });
        log.LogInformation("run {RunId}: sampling {Shards} shard(s) per model from {Models} models", input.RunId, settings.Shards, sources.Count);
        var shardTasks = new List<Task<string>>();
        for (int m = 0; m < sources.Count; m++)
            for (int k = 0; k < settings.Shards; k++)
                shardTasks.Add(context.CallActivityAsync<string>(nameof(GenerateShardActivity),
                    new ShardTask(input.RunId, req, m, sources[m].Artifact, k), retry));
        var shardNames = await Task.WhenAll(shardTasks);
        var shardsPerClass = Enumerable.Range(0, sources.Count)
            .Select(m => (IReadOnlyList<string>)shardNames.Skip(m * settings.Shards).Take(settings.Shards).ToList())
            .ToList();
        Lap("shards");

        var rooted = sources.Select(s => s.Artifact).ToList();
        if (MergeMethod.UsesRooting(req.Method) && req.RootingSteps > 0)
        {
            Status(progress with { Stage = "rooting" });
            var rootTasks = new Dictionary<int, Task<string>>();
            for (int m = 0; m < sources.Count; m++)
            {
                if (m == req.Root) continue;
                var job = new TrainJob(input.RunId, req, $"rooted/{sources[m].Name}", sources[req.Root].Artifact,
                                       new[] { shardsPerClass[m] }, req.RootingSteps);
                rootTasks[m] = context.CallSubOrchestratorAsync<string>(nameof(TrainSegmentsOrchestrator), job,
                    new SubOrchestrationOptions(retry, SubInstanceId(input.RunId, job.Job)));
            }
            await Task.WhenAll(rootTasks.Values);
            foreach (var (m, t) in rootTasks) rooted[m] = t.Result;
            Lap("rooting");
        }

        Status(progress with { Stage = "init" });
        var init = await context.CallActivityAsync<InitResult>(nameof(InitMergedActivity),
            new InitTask(input.RunId, req, sources, rooted), retry);
        Lap("init");

        var finetuneSteps = MergeMethod.FinetuneSteps(req.Method, sources.Count, req.RootingSteps, req.MergeSteps);
        var last = init.Artifact;
        if (finetuneSteps > 0)
        {
            Status(progress with { Stage = "finetune" });
            var job = new TrainJob(input.RunId, req, "finetune", init.Artifact, shardsPerClass, finetuneSteps);
            last = await context.CallSubOrchestratorAsync<string>(nameof(TrainSegmentsOrchestrator), job,
                new SubOrchestrationOptions(retry, SubInstanceId(input.RunId, job.Job)));
        }
        var merged = await context.CallActivityAsync<string>(nameof(PublishMergedActivity), new PublishTask(input.RunId, last), retry);
        Lap("finetune");

        Status(progress with { Stage = "eval" });
        var evals = await Task.WhenAll(Enumerable.Range(0, sources.Count).Select(c =>
            context.CallActivityAsync<DomainEvalResult>(nameof(EvaluateDomainActivity),
                new EvalTask(input.RunId, req, sources, merged, c), retry)));
        Lap("eval");

        Status(progress with { Stage = "report" });
        var result = await context.CallActivityAsync<MergeRunResult>(nameof(WriteReportActivity),
            new ReportTask(input.RunId, req, sources, merged, init, evals, rooted, timings), retry);
        Status(progress with { Stage = "done" });
        log.LogInformation("run {RunId}: done, report at {Report}", input.RunId, result.ReportArtifact);
        return result;
    }

    /// <summary>Deterministic sub-orchestration ids, so `status` can find a job's progress.</summary>
    public static string SubInstanceId(string runId, string job) => $"{runId}:{job}";
}
