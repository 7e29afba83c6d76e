using GenMerge.Core.Evaluation;
using GenMerge.Core.Merging;
using GenMerge.Pipeline.Activities;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace GenMerge.Pipeline.Orchestration;

/// <summary>
/// A whole merge (docs/design.md §1): validate sources, fan out synthetic shards, fan out rooting as
/// parallel chains of training segments, fan in to averaging + conditioning, fine-tune in segments,
/// fan out evaluation per class, write the report. Sources of any c_dim: classes are every source's classes in
/// order (<see cref="SourceClasses"/>), shards and evaluation go per class. Deterministic: all I/O happens in activities,
/// time comes from the context.
/// Training chains run inside this orchestration rather than as sub-orchestrations: the local
/// persistent backend (TaskHubGrpcServer over DurableTask.AzureStorage 2.11.2) cannot start or
/// complete sub-orchestrations (protobuf tags in the start event, then unreadable history rows).
/// </summary>
public sealed class MergeOrchestrator : TaskOrchestrator<MergeRunInput, MergeRunResult>
{
    public override async Task<MergeRunResult> RunAsync(TaskOrchestrationContext context, MergeRunInput input)
    {
        var log = context.CreateReplaySafeLogger<MergeOrchestrator>();
        var req = input.Request;
        var settings = req.Settings;
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
        var chains = new TrainingChains(context, p => Status(progress with { Jobs = p.Jobs, EtaSeconds = p.EtaSeconds }));

        Status(progress with { Stage = "validate" });
        var sources = await context.CallActivityAsync<List<SourceInfo>>(nameof(ValidateSourcesActivity), input, retry);
        Lap("validate");

        var classes = SourceClasses.Of(sources);
        // Per-class distillation factors, by merged class index (null: none set); the names were checked in validation.
        var distillWeights = settings.DistillWeights(classes.Select(c => c.Name).ToList());
        bool extended = SourceClasses.Extended(sources);
        Status(progress with { Stage = "shards" });
        // With live data there is no pool: each training segment samples the sources itself.
        int resolution = sources[0].Config.Resolution;
        int shards = settings.Shards(classes.Count, sources.Count, resolution);
        log.LogInformation("run {RunId}: sampling {Shards} shard(s) per class for {Classes} classes from {Models} models",
            input.RunId, shards, classes.Count, sources.Count);
        var shardTasks = new List<Task<string>>();
        foreach (var c in classes)
            for (int k = 0; k < shards; k++)
                shardTasks.Add(context.CallActivityAsync<string>(nameof(GenerateShardActivity),
                    new ShardTask(input.RunId, req, c.Source, sources[c.Source].Artifact, k, settings.ShardCount(k, classes.Count, sources.Count, resolution), c), retry));
        var shardNames = await Task.WhenAll(shardTasks);
        var shardsPerClass = classes
            .Select(c => (IReadOnlyList<string>)shardNames.Skip(c.Index * shards).Take(shards).ToList())
            .ToList();
        var live = settings.Data == DataModes.Live
            ? classes.Select(c => new ClassSource(sources[c.Source].Artifact, c.SourceClass)).ToList()
            : null;
        Lap("shards");

        var rooted = sources.Select(s => s.Artifact).ToList();
        if (MergeMethod.UsesRooting(settings.Method) && settings.RootingSteps > 0)
        {
            Status(progress with { Stage = "rooting" });
            // Class-extended path: the root is made conditional with every class first, and each chain roots a copy
            // of it on its model's classes, so the rooted models share one shape and average directly.
            var rootInit = sources[settings.Root].Artifact;
            if (extended)
            {
                rootInit = await context.CallActivityAsync<string>(nameof(ConditionRootActivity), new ConditionRootTask(input.RunId, req, sources), retry);
                rooted[settings.Root] = rootInit;
            }
            var rootTasks = new Dictionary<int, Task<IReadOnlyList<SegmentResult>>>();
            for (int m = 0; m < sources.Count; m++)
            {
                if (m == settings.Root) continue;
                var mine = MergeClasses.OfSource(classes, m);
                var job = extended
                    ? TrainJob.RootingOnClasses(input.RunId, req, sources[m].Name, rootInit,
                        mine.Select(c => shardsPerClass[c.Index]).ToList(), mine.Select(c => c.Index).ToList(), settings.RootingSteps)
                    : TrainJob.Rooting(input.RunId, req, sources[m].Name, rootInit, shardsPerClass[m], settings.RootingSteps);
                if (live is not null) job = job with { Live = mine.Select(c => live[c.Index]).ToList() };
                // A conditioned root sees merged labels, so it takes every class's factor; a plain root is one class.
                if (distillWeights is not null)
                    job = job with { DistillWeights = extended ? distillWeights : new[] { distillWeights[mine[0].Index] } };
                rootTasks[m] = chains.RunAsync(job);
            }
            await Task.WhenAll(rootTasks.Values);
            foreach (var (m, t) in rootTasks) rooted[m] = t.Result[^1].Artifact;
            Lap("rooting");
        }

        Status(progress with { Stage = "init" });
        var init = await context.CallActivityAsync<InitResult>(nameof(InitMergedActivity),
            new InitTask(input.RunId, req, sources, rooted), retry);
        Lap("init");

        var finetuneSteps = settings.FinetuneSteps(sources.Count);
        var last = init.Artifact;
        IReadOnlyList<SegmentResult> segments = [];
        if (finetuneSteps > 0)
        {
            Status(progress with { Stage = "finetune" });
            var job = TrainJob.Finetune(input.RunId, req, init.Artifact, shardsPerClass, finetuneSteps) with { Live = live, DistillWeights = distillWeights };
            segments = await chains.RunAsync(job);
            last = segments[^1].Artifact;
        }
        SelectionResult? selection = null;
        if (settings.Select == SnapshotSelection.Best && segments.Count > 1)
        {
            Lap("finetune");
            Status(progress with { Stage = "select" });
            selection = await SelectAsync(context, input, sources, segments, stage => Status(progress with { Stage = stage }));
            var picked = selection.Candidates[selection.Picked];
            log.LogInformation("run {RunId}: publishing the fine-tuning checkpoint after {Step} steps of {Total}", input.RunId, picked.Step, segments[^1].Step);
            last = picked.Artifact;
        }
        var merged = await context.CallActivityAsync<string>(nameof(PublishMergedActivity), new PublishTask(input.RunId, last), retry);
        Lap(selection is null ? "finetune" : "select");

        Status(progress with { Stage = "eval" });
        var evals = await Task.WhenAll(Enumerable.Range(0, classes.Count).Select(c =>
            context.CallActivityAsync<DomainEvalResult>(nameof(EvaluateDomainActivity),
                new EvalTask(input.RunId, req, sources, merged, c), retry)));
        Lap("eval");

        Status(progress with { Stage = "report" });
        var result = await context.CallActivityAsync<MergeRunResult>(nameof(WriteReportActivity),
            new ReportTask(input.RunId, req, sources, merged, init, evals, rooted, timings, selection), retry);
        Status(progress with { Stage = "done" });
        log.LogInformation("run {RunId}: done, report at {Report}", input.RunId, result.ReportArtifact);
        return result;
    }

    /// <summary>Scores every fine-tuning checkpoint against held-out source samples; fan-out per checkpoint,
    /// collected in order so the status can count them (awaiting scheduled tasks in a fixed order replays the same).</summary>
    static async Task<SelectionResult> SelectAsync(TaskOrchestrationContext context, MergeRunInput input,
                                                   IReadOnlyList<SourceInfo> sources, IReadOnlyList<SegmentResult> segments,
                                                   Action<string> onStage)
    {
        var references = await Task.WhenAll(Enumerable.Range(0, SourceClasses.Of(sources).Count).Select(c =>
            context.CallActivityAsync<SelectionReference>(nameof(SelectionReferenceActivity),
                new SelectionReferenceTask(input.RunId, input.Request, sources, c), Retries.Activity)));
        var pending = segments.Select(s =>
            context.CallActivityAsync<SnapshotScore>(nameof(ScoreSnapshotActivity),
                new ScoreSnapshotTask(input.RunId, input.Request, references, s.Artifact, s.Step), Retries.Activity)).ToList();
        var scores = new List<SnapshotScore>();
        foreach (var t in pending)
        {
            scores.Add(await t);
            onStage($"select {scores.Count}/{pending.Count}");
        }
        var floors = references.OrderBy(r => r.Class).Select(r => r.Floor).ToList();
        return new SelectionResult(scores, floors, SnapshotSelection.Pick(scores.Select(s => s.FidR18).ToList(), floors));
    }
}
