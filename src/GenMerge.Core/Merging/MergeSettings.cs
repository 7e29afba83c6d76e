using System.Text.Json.Serialization;
using GenMerge.Core.Evaluation;
using GenMerge.Core.Training;

namespace GenMerge.Core.Merging;

/// <summary>
/// Everything that decides a merge besides its input models: the one home of each setting's name, JSON name
/// (the request schema's flat snake_case fields, in this order), default and validation. The request, the
/// CLI's merge options and the benchmarks all bind to it.
/// </summary>
public sealed record MergeSettings
{
    /// <summary>Index of the root model among the inputs.</summary>
    [JsonPropertyName("root")] public int Root { get; init; }
    [JsonPropertyName("method")] public string Method { get; init; } = MergeMethod.Cocktail;
    [JsonPropertyName("rooting_steps")] public int RootingSteps { get; init; } = 600;
    [JsonPropertyName("merge_steps")] public int MergeSteps { get; init; } = 600;
    /// <summary>Steps per resumable training segment (the pipeline checkpoints between segments).</summary>
    [JsonPropertyName("segment_steps")] public int SegmentSteps { get; init; } = 200;
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 32;
    [JsonPropertyName("lr")] public double Lr { get; init; } = 0.002;
    /// <summary>Learning rate of the rooting jobs; null: <see cref="Lr"/>. Rooting must move a model to a new
    /// domain, merge fine-tuning should keep what the average holds: they can want different rates.</summary>
    [JsonPropertyName("rooting_lr")] public double? RootingLr { get; init; }
    /// <summary>Learning rate the merge fine-tuning ends at (cosine decay from <see cref="Lr"/>); null: constant.
    /// Large steps repair the average of far-apart models; small ones at the end settle it.</summary>
    [JsonPropertyName("final_lr")] public double? FinalLr { get; init; }
    /// <summary>Freeze-D: D's first blocks (nearest the image) kept fixed in every job that starts from trained
    /// weights (rooting and fine-tuning); 0 trains all of D. Union starts at random and refuses it.</summary>
    [JsonPropertyName("freeze_d")] public int FreezeD { get; init; }
    /// <summary>Augmentation of what D sees in every job (<see cref="AugmentModes"/>, stylegan2-ada's --aug).</summary>
    [JsonPropertyName("aug")] public string Augment { get; init; } = AugmentModes.NoAug;
    /// <summary>The fixed augmentation probability, or where adaptive augmentation starts in each job.</summary>
    [JsonPropertyName("aug_p")] public double AugmentP { get; init; }
    /// <summary>Adaptive augmentation's target for r_t (stylegan2-ada: 0.6).</summary>
    [JsonPropertyName("aug_target")] public double AugmentTarget { get; init; } = AugmentModes.DefaultTarget;
    /// <summary>Which transforms augmentation draws from (<see cref="AugmentPipes"/>, stylegan2-ada's --augpipe).</summary>
    [JsonPropertyName("aug_pipe")] public string AugmentPipe { get; init; } = AugmentPipes.Blit;
    /// <summary>Half-life of G_ema in thousands of images, in every job; null: stylegan2-ada's 10 kimg with its ramp-up
    /// for union (random start), and for jobs that start from trained weights at most a sixth of the job, no ramp-up
    /// (<see cref="TrainOptions.Resuming"/>). G_ema is what is evaluated and published, and it trails G by about
    /// 1.4 half-lives: on a merge that improves fast, a shorter one shows (and keeps) the progress sooner.</summary>
    [JsonPropertyName("ema_kimg")] public double? EmaKimg { get; init; }
    /// <summary>R1 weight; null: stylegan2-ada's heuristic 0.0002 * R^2 / batch.</summary>
    [JsonPropertyName("gamma")] public double? Gamma { get; init; }
    [JsonPropertyName("seed")] public long Seed { get; init; } = 1;
    /// <summary>Where training data comes from (<see cref="DataModes"/>): a stored pool of shards, or live samples of the sources.</summary>
    [JsonPropertyName("data")] public string Data { get; init; } = DataModes.Shards;
    /// <summary>Synthetic samples drawn from each source class for the shards pool; null: sized from the step budget
    /// (<see cref="SamplesPerClass"/>). Unused with live data.</summary>
    [JsonPropertyName("samples_per_model")] public int? SamplesPerModel { get; init; }
    [JsonPropertyName("shard_size")] public int ShardSize { get; init; } = 1024;
    /// <summary>Weight of paired distillation in pixels (<see cref="Distillation"/>): G(z, class i) pulled toward G_i(z); 0: off.</summary>
    [JsonPropertyName("distill")] public double Distill { get; init; }
    /// <summary>Weight of paired distillation in D's intermediate features; 0: off.</summary>
    [JsonPropertyName("distill_features")] public double DistillFeatures { get; init; }
    /// <summary>How distillation measures differences: <see cref="Distillation.Losses"/> (lap1 by default).</summary>
    [JsonPropertyName("distill_loss")] public string DistillLoss { get; init; } = Distillation.Lap1;
    /// <summary>A factor on <see cref="Distill"/> and <see cref="DistillFeatures"/> per merged class, by class name; classes
    /// not named keep 1. Classes can want different pulls (on seven domains thin procedural strokes want more than
    /// smileys: bench/merge-methods). null: 1 for every class.</summary>
    [JsonPropertyName("distill_classes")] public IReadOnlyDictionary<string, double>? DistillClasses { get; init; }
    /// <summary>Images per domain for FID/KID (merged, source and reference each).</summary>
    [JsonPropertyName("eval_samples")] public int EvalSamples { get; init; } = 500;
    /// <summary>Which fine-tuning checkpoint is published (<see cref="SnapshotSelection"/>): the last, or the best
    /// against held-out source samples (every segment's checkpoint scored with <see cref="EvalSamples"/> images per class).</summary>
    [JsonPropertyName("select")] public string Select { get; init; } = SnapshotSelection.Last;

    public MergeSettings Validate(int models)
    {
        MergeMethod.Validate(Method);
        if (models < 2) throw new ArgumentException($"models: a merge needs at least 2 models, got {models}");
        if (models > MaxModels) throw new ArgumentException($"models: at most {MaxModels} models can be merged, got {models}");
        if (Root < 0 || Root >= models) throw new ArgumentException($"root: {Root} is not a model index (0..{models - 1})");
        if (RootingSteps < 0) throw new ArgumentException($"rooting_steps: {RootingSteps} must be >= 0");
        if (MergeSteps < 0) throw new ArgumentException($"merge_steps: {MergeSteps} must be >= 0");
        if (SegmentSteps < 1) throw new ArgumentException($"segment_steps: {SegmentSteps} must be >= 1");
        if (BatchSize < 1) throw new ArgumentException($"batch_size: {BatchSize} must be >= 1");
        if (Lr <= 0) throw new ArgumentException($"lr: {Lr} must be positive");
        if (RootingLr is <= 0) throw new ArgumentException($"rooting_lr: {RootingLr} must be positive");
        if (FinalLr is <= 0) throw new ArgumentException($"final_lr: {FinalLr} must be positive");
        if (FreezeD < 0) throw new ArgumentException($"freeze_d: {FreezeD} must be >= 0");
        if (FreezeD > 0 && !MergeMethod.StartsFromTrained(Method))
            throw new ArgumentException($"freeze_d: {FreezeD}, but method '{Method}' trains D from random init: frozen blocks would stay random");
        // The augmentation fields are checked where the trainer checks them (aug, aug_p, aug_target, aug_pipe).
        // So are distill, distill_features and distill_loss.
        new TrainOptions { Augment = Augment, AugmentP = AugmentP, AdaTarget = AugmentTarget, AugmentPipe = AugmentPipe,
                           Distill = Distill, DistillFeatures = DistillFeatures, DistillLoss = DistillLoss }.Validate();
        if (DistillClasses is { } dc)
        {
            if (Distill == 0 && DistillFeatures == 0)
                throw new ArgumentException("distill_classes: set, but distill and distill_features are 0: there is no distillation to weigh per class");
            foreach (var (name, w) in dc)
                if (!(w >= 0 && double.IsFinite(w))) throw new ArgumentException($"distill_classes: '{name}' has weight {w}; it must be a finite number >= 0");
        }
        if (EmaKimg is double k && !(k >= 0 && double.IsFinite(k))) throw new ArgumentException($"ema_kimg: {k} must be a finite number >= 0 (0: G_ema follows G)");
        if (Gamma is < 0) throw new ArgumentException($"gamma: {Gamma} must be >= 0");
        DataModes.Validate(Data);
        if (SamplesPerModel is < 1) throw new ArgumentException($"samples_per_model: {SamplesPerModel} must be >= 1");
        if (ShardSize < 1) throw new ArgumentException($"shard_size: {ShardSize} must be >= 1");
        if (EvalSamples < 2) throw new ArgumentException($"eval_samples: {EvalSamples} must be >= 2");
        SnapshotSelection.Validate(Select);
        // Refused up front rather than silently publishing the only model there is.
        var finetune = FinetuneSteps(models);
        if (Select == SnapshotSelection.Best && finetune <= SegmentSteps)
            throw new ArgumentException($"select: 'best' picks among the fine-tuning's checkpoints (one per {SegmentSteps} steps), " +
                $"but method '{Method}' fine-tunes {finetune} steps here: {(finetune == 0 ? "none" : "one")} to choose from; use select 'last'" +
                (finetune == 0 ? "" : $" or more than {SegmentSteps} fine-tuning steps"));
        return this;
    }

    public const int MaxModels = 16;

    /// <summary>Every setting at its default (what a request that gives only its models gets).</summary>
    public static readonly MergeSettings Defaults = new();

    /// <summary>Steps of the merge fine-tuning of <paramref name="models"/> sources under this method.</summary>
    public int FinetuneSteps(int models) => MergeMethod.FinetuneSteps(Method, models, RootingSteps, MergeSteps);

    /// <summary>The distillation factor of each of <paramref name="classNames"/> (the merge's classes in order) from
    /// <see cref="DistillClasses"/>; null when it is not set. A name that is no class of the merge is refused.</summary>
    public IReadOnlyList<double>? DistillWeights(IReadOnlyList<string> classNames)
    {
        if (DistillClasses is not { } dc) return null;
        var unknown = dc.Keys.FirstOrDefault(n => !classNames.Contains(n, StringComparer.Ordinal));
        if (unknown is not null)
            throw new ArgumentException($"distill_classes: '{unknown}' is not a class of this merge (its classes: {string.Join(", ", classNames)})");
        return classNames.Select(n => dc.TryGetValue(n, out var w) ? w : 1.0).ToList();
    }

    public double LrOf(bool rooting) => rooting ? RootingLr ?? Lr : Lr;

    /// <summary>How often a pool sized from the budget lets a job see each sample, at most: few enough that D does not
    /// memorise the pool (with 4096 samples over 10k+ steps it did, and needed ADA), few samples enough to generate and store.</summary>
    public const int SampleReuse = 4;
    /// <summary>The largest pool sized from the budget, per class (at 32 px, 200 MB of uint8).</summary>
    public const int MaxBudgetSamples = 65536;
    /// <summary>The most bytes of uint8 images a pool sized from the budget holds, all classes together: a fine-tuning job
    /// holds every class's pool in memory, and at 256 px the sample cap alone would be 13 GB a class (1024 px: 206 GB).
    /// Past it the pool repeats samples more often; <c>data: live</c> has no pool at all.</summary>
    public const long MaxBudgetPoolBytes = 2L << 30;

    /// <summary>
    /// Samples per class in the shards pool: <see cref="SamplesPerModel"/>, else the most samples one job may draw of a class
    /// (a rooting job up to all its batches, the fine-tuning 1/N of each batch)
    /// over <see cref="SampleReuse"/>, in whole shards, at most <see cref="MaxBudgetSamples"/> and at most
    /// <see cref="MaxBudgetPoolBytes"/> for all classes together (but never under one batch).
    /// </summary>
    /// <param name="classes">Classes of the merge (N).</param>
    /// <param name="models">Source models.</param>
    /// <param name="resolution">Image side in pixels (3 channels).</param>
    public int SamplesPerClass(int classes, int models, int resolution)
    {
        if (SamplesPerModel is int n) return n;
        long rooting = MergeMethod.UsesRooting(Method) ? (long)RootingSteps * BatchSize : 0;
        long finetune = (long)FinetuneSteps(models) * BatchSize / Math.Max(classes, 1);
        long want = (Math.Max(rooting, finetune) + SampleReuse - 1) / SampleReuse;
        long shards = Math.Max(1, (want + ShardSize - 1) / ShardSize);
        long byBytes = MaxBudgetPoolBytes / Math.Max(classes, 1) / (3L * resolution * resolution);
        long cap = Math.Max(BatchSize, Math.Min(byBytes, Math.Max(MaxBudgetSamples, ShardSize)));
        return (int)Math.Min(shards * ShardSize, cap);
    }

    /// <summary>Shards per class of the pool (<see cref="SamplesPerClass"/>); none with live data.</summary>
    public int Shards(int classes, int models, int resolution) =>
        Data == DataModes.Live ? 0 : (SamplesPerClass(classes, models, resolution) + ShardSize - 1) / ShardSize;

    /// <summary>Samples in shard <paramref name="shard"/> of a class.</summary>
    public int ShardCount(int shard, int classes, int models, int resolution) =>
        Math.Min(ShardSize, SamplesPerClass(classes, models, resolution) - shard * ShardSize);

    /// <summary>Training options of one job: a rooting job (<paramref name="rooting"/>) or the merge fine-tuning.</summary>
    public TrainOptions Training(int steps, int resolution, bool rooting = false)
    {
        var options = new TrainOptions
        {
            Steps = steps, BatchSize = BatchSize, LrG = LrOf(rooting), LrD = LrOf(rooting), Seed = Seed,
            R1Gamma = Gamma ?? TrainOptions.HeuristicGamma(resolution, BatchSize),
            FinalLrFactor = !rooting && FinalLr is double f ? f / Lr : 1.0,
            FreezeD = FreezeD,
            Distill = Distill, DistillFeatures = DistillFeatures, DistillLoss = DistillLoss,
            Augment = Augment, AugmentP = AugmentP, AdaTarget = AugmentTarget, AugmentPipe = AugmentPipe,
        }.Resuming(rooting || MergeMethod.StartsFromTrained(Method));
        // A given half-life is used as given (a random start keeps its ramp-up, which only shortens it early).
        return EmaKimg is double k ? options with { EmaKimg = k } : options;
    }
}
