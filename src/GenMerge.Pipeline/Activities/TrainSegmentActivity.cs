using System.Diagnostics;
using System.Text.Json;
using GenMerge.Core.Data;
using GenMerge.Core.Models;
using GenMerge.Core.Training;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using GenMerge.Pipeline.Telemetry;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace GenMerge.Pipeline.Activities;

/// <summary>
/// One segment of a training job: load the previous segment's checkpoint and optimiser state (or
/// the job's initial model), train up to SegmentSteps steps on the job's shards, write seg-n.
/// Idempotent: a segment whose outputs exist is not trained again.
/// </summary>
public sealed class TrainSegmentActivity(IArtifactStore store, ILogger<TrainSegmentActivity> log) : TorchActivity<SegmentTask, SegmentResult>
{

    protected override async Task<SegmentResult> RunOnTorchThreadAsync(TaskActivityContext context, SegmentTask task)
    {
        var job = task.Job;
        var run = new RunArtifacts(store, job.RunId);
        var output = run.JobSegment(job.Job, task.Segment);
        var resultName = output + ".json";
        if (await store.ExistsAsync(resultName) && await store.ExistsAsync(output))
        {
            log.LogInformation("{Job} segment {N}: already done, reusing {Output}", job.Job, task.Segment, output);
            return await store.ReadJsonAsync<SegmentResult>(resultName);
        }

        var settings = job.Request.Settings;
        int per = settings.SegmentSteps;
        int steps = Math.Min(per, job.TotalSteps - (task.Segment - 1) * per);
        var input = task.Segment == 1 ? job.InitArtifact : run.JobSegment(job.Job, task.Segment - 1);
        using var model = await ModelArtifacts.LoadAsync(store, input);
        bool rooting = job.Kind == TrainJobKind.Rooting;
        if (task.Segment == 1)
            model.Provenance = new Provenance
            {
                Kind = rooting ? "root" : "finetune",
                Steps = 0, Seed = settings.Seed, Data = job.Live is { } live
                    ? "live:" + string.Join(",", live.Select(s => s.SourceClass is int k ? $"{s.Artifact}#{k}" : s.Artifact))
                    : string.Join(",", job.ShardsPerClass.Select(s => s.Count > 0 ? s[0] : "")),
                Parents = new[] { job.InitArtifact },
                Notes = new Dictionary<string, string> { ["job"] = job.Job, ["run"] = job.RunId },
            };

        using var samples = await LoadSamplesAsync(job, settings.Seed + task.Segment);
        var data = TrainingData(job, samples.Classes, rooting, model.Config.CDim, settings.Seed + task.Segment);
        var options = settings.Training(job.TotalSteps, model.Config.Resolution, rooting) with
        {
            Seed = settings.Seed + StableHash(job.Job), DistillClassWeights = job.DistillWeights,
        };
        using var trainer = new GanTrainer(model, data, options);
        if (task.Segment > 1)
        {
            await using var os = await store.OpenReadAsync(run.JobSegment(job.Job, task.Segment - 1) + ".optim");
            trainer.LoadOptimizerState(os);
        }
        var clock = Stopwatch.StartNew();
        TrainProgress? last = null;
        var lastLog = TimeSpan.Zero;
        try
        {
            trainer.Train(steps, p =>
            {
                last = p;
                if (clock.Elapsed - lastLog > TimeSpan.FromSeconds(10)) { lastLog = clock.Elapsed; log.LogInformation("{Job}: {Progress}", job.Job, p.Describe()); }
            });
        }
        catch (TrainingDivergedException e)
        {
            // Nothing of this segment is written: the previous segment stays the job's resumable state.
            throw new TrainingFailedException($"job {job.Job}, segment {task.Segment}: {e.Message}; " +
                (task.Segment > 1 ? $"the last good state is {run.JobSegment(job.Job, task.Segment - 1)}" : $"it started from {input}"));
        }
        var seconds = clock.Elapsed.TotalSeconds;
        RecordTelemetry(job, steps, clock.Elapsed, last);

        await run.WriteAsync(output + ".optim", (s, _) => { trainer.SaveOptimizerState(s); return Task.CompletedTask; });
        await ModelArtifacts.SaveAsync(run, output, model);
        var result = new SegmentResult(output, model.Provenance.Steps, last?.LossG ?? double.NaN, last?.LossD ?? double.NaN, Math.Round(seconds, 3),
            trainer.AugmentP is double p ? Math.Round(p, 4) : null);
        await run.WriteJsonAsync(resultName, result);
        log.LogInformation("{Job} segment {N}: step {Step}/{Total} in {Seconds:F1} s", job.Job, task.Segment, result.Step, job.TotalSteps, seconds);
        return result;
    }

    /// <summary>Steps, steps/s and the segment's last losses (genmerge.training.*), tagged with the job's stage and domain.</summary>
    static void RecordTelemetry(TrainJob job, int steps, TimeSpan elapsed, TrainProgress? last)
    {
        var (stage, domain) = StageScope.Of(job);
        GenMergeTelemetry.RecordSegment(stage, steps, elapsed, domain);
        if (last is null) return;
        GenMergeTelemetry.RecordLoss(stage, "g", last.LossG, domain);
        GenMergeTelemetry.RecordLoss(stage, "d", last.LossD, domain);
        GenMergeTelemetry.RecordLoss(stage, "r1", last.R1Penalty, domain);
    }

    /// <summary>Each class's samples: its shards' pool (uint8 with latents), or live samples of its source model
    /// (each source loaded once, on the training device), seeded per segment so a retried segment draws the same.</summary>
    async Task<JobSamples> LoadSamplesAsync(TrainJob job, long seed)
    {
        var samples = new JobSamples();
        try
        {
            if (job.Live is { } live)
            {
                var models = new Dictionary<string, Core.Models.GanModel>();
                for (int k = 0; k < live.Count; k++)
                {
                    var (artifact, sourceClass) = (live[k].Artifact, live[k].SourceClass);
                    if (!models.TryGetValue(artifact, out var source))
                    {
                        source = (await ModelArtifacts.LoadAsync(store, artifact)).To(Core.Device.Default);
                        models[artifact] = source;
                        samples.Owned.Add(source);
                    }
                    var liveSamples = new LiveSamples(source.GEma, sourceClass, seed * 1_000_003 + k, $"live:{artifact}");
                    samples.Owned.Add(liveSamples);
                    samples.Classes.Add(liveSamples);
                }
                return samples;
            }
            foreach (var shards in job.ShardsPerClass)
            {
                var images = new List<Tensor>();
                var zs = new List<Tensor>();
                foreach (var shard in shards)
                {
                    await using var s = await store.OpenReadAsync(shard);
                    var (img, z) = Core.Merging.SyntheticShards.ReadPairs(s, shard);
                    images.Add(img); zs.Add(z);
                }
                using var allImages = cat(images, 0);
                using var allZ = cat(zs, 0);
                foreach (var t in images.Concat(zs)) t.Dispose();
                var pool = new ShardPool(allImages, allZ, seed, shards.Count > 0 ? shards[0] : "shards");
                samples.Owned.Add(pool);
                samples.Classes.Add(pool);
            }
            return samples;
        }
        catch
        {
            samples.Dispose();
            throw;
        }
    }

    /// <summary>The classes' samples as the trainer's data. Rooting an unconditional root trains on unlabelled data; a
    /// one-class root (c_dim 1) sees every sample as class 0; a conditioned root (class-extended path) sees each class under
    /// its merged index.</summary>
    static ITrainingData TrainingData(TrainJob job, IReadOnlyList<IClassSamples> classes, bool rooting, int cDim, long seed)
    {
        if (job.Labels is { } labels) return new ClassMixData(classes, seed, labels, cDim);
        return classes.Count == 1 && rooting && cDim == 0
            ? new UnconditionalData(classes[0])
            : new ClassMixData(classes, seed);
    }

    /// <summary>A segment's samples and what holds their memory (pools, loaded source models), freed together.</summary>
    sealed class JobSamples : IDisposable
    {
        public List<IClassSamples> Classes { get; } = new();
        public List<IDisposable> Owned { get; } = new();
        public void Dispose() { foreach (var o in Owned) o.Dispose(); }
    }

    /// <summary>A seed offset per job that is stable across processes (string.GetHashCode is not).</summary>
    static long StableHash(string s)
    {
        long h = 1469598103934665603;
        foreach (var c in s) h = (h ^ c) * 1099511628211;
        return h & 0xFFFFFF;
    }
}
