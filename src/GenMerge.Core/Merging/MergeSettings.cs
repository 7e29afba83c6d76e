using GenMerge.Core.Evaluation;
using GenMerge.Core.Training;

namespace GenMerge.Core.Merging;

/// <summary>Everything that decides a merge besides its input models.</summary>
public sealed record MergeSettings
{
    public string Method { get; init; } = MergeMethod.Cocktail;
    /// <summary>Index of the root model among the inputs.</summary>
    public int Root { get; init; }
    public int RootingSteps { get; init; } = 600;
    public int MergeSteps { get; init; } = 600;
    /// <summary>Steps per resumable training segment (the pipeline checkpoints between segments).</summary>
    public int SegmentSteps { get; init; } = 200;
    public int BatchSize { get; init; } = 32;
    public double Lr { get; init; } = 0.002;
    /// <summary>Learning rate of the rooting jobs; null: <see cref="Lr"/>. Rooting must move a model to a new
    /// domain, merge fine-tuning should keep what the average holds: they can want different rates.</summary>
    public double? RootingLr { get; init; }
    /// <summary>Learning rate the merge fine-tuning ends at (cosine decay from <see cref="Lr"/>); null: constant.
    /// Large steps repair the average of far-apart models; small ones at the end settle it.</summary>
    public double? FinalLr { get; init; }
    /// <summary>Freeze-D: D's first blocks (nearest the image) kept fixed in every job that starts from trained
    /// weights (rooting and fine-tuning); 0 trains all of D. Union starts at random and refuses it.</summary>
    public int FreezeD { get; init; }
    /// <summary>Augmentation of what D sees in every job (<see cref="AugmentModes"/>, stylegan2-ada's --aug).</summary>
    public string Augment { get; init; } = AugmentModes.NoAug;
    /// <summary>The fixed augmentation probability, or where adaptive augmentation starts in each job.</summary>
    public double AugmentP { get; init; }
    /// <summary>Adaptive augmentation's target for r_t (stylegan2-ada: 0.6).</summary>
    public double AugmentTarget { get; init; } = AugmentModes.DefaultTarget;
    /// <summary>Which transforms augmentation draws from (<see cref="AugmentPipes"/>, stylegan2-ada's --augpipe).</summary>
    public string AugmentPipe { get; init; } = AugmentPipes.Blit;
    /// <summary>R1 weight; null: stylegan2-ada's heuristic 0.0002 * R^2 / batch.</summary>
    public double? Gamma { get; init; }
    public long Seed { get; init; } = 1;
    /// <summary>Synthetic samples drawn from each source model (the training data).</summary>
    public int SamplesPerModel { get; init; } = 4096;
    public int ShardSize { get; init; } = 1024;
    /// <summary>Images per domain for FID/KID (merged, source and reference each).</summary>
    public int EvalSamples { get; init; } = 500;
    /// <summary>Which fine-tuning checkpoint is published (<see cref="SnapshotSelection"/>): the last, or the best
    /// against held-out source samples (every segment's checkpoint scored with <see cref="EvalSamples"/> images per class).</summary>
    public string Select { get; init; } = SnapshotSelection.Last;

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
        new TrainOptions { Augment = Augment, AugmentP = AugmentP, AdaTarget = AugmentTarget, AugmentPipe = AugmentPipe }.Validate();
        if (Gamma is < 0) throw new ArgumentException($"gamma: {Gamma} must be >= 0");
        if (SamplesPerModel < 1) throw new ArgumentException($"samples_per_model: {SamplesPerModel} must be >= 1");
        if (ShardSize < 1) throw new ArgumentException($"shard_size: {ShardSize} must be >= 1");
        if (EvalSamples < 2) throw new ArgumentException($"eval_samples: {EvalSamples} must be >= 2");
        SnapshotSelection.Validate(Select);
        // Refused up front rather than silently publishing the only model there is.
        var finetune = MergeMethod.FinetuneSteps(Method, models, RootingSteps, MergeSteps);
        if (Select == SnapshotSelection.Best && finetune <= SegmentSteps)
            throw new ArgumentException($"select: 'best' picks among the fine-tuning's checkpoints (one per {SegmentSteps} steps), " +
                $"but method '{Method}' fine-tunes {finetune} steps here: {(finetune == 0 ? "none" : "one")} to choose from; use select 'last'" +
                (finetune == 0 ? "" : $" or more than {SegmentSteps} fine-tuning steps"));
        return this;
    }

    public const int MaxModels = 16;

    public double LrOf(bool rooting) => rooting ? RootingLr ?? Lr : Lr;

    public int Shards => (SamplesPerModel + ShardSize - 1) / ShardSize;

    public int ShardCount(int shard) => Math.Min(ShardSize, SamplesPerModel - shard * ShardSize);

    /// <summary>Training options of one job: a rooting job (<paramref name="rooting"/>) or the merge fine-tuning.</summary>
    public TrainOptions Training(int steps, int resolution, bool rooting = false) => new TrainOptions
    {
        Steps = steps, BatchSize = BatchSize, LrG = LrOf(rooting), LrD = LrOf(rooting), Seed = Seed,
        R1Gamma = Gamma ?? TrainOptions.HeuristicGamma(resolution, BatchSize),
        FinalLrFactor = !rooting && FinalLr is double f ? f / Lr : 1.0,
        FreezeD = FreezeD,
        Augment = Augment, AugmentP = AugmentP, AdaTarget = AugmentTarget, AugmentPipe = AugmentPipe,
    }.Resuming(rooting || MergeMethod.StartsFromTrained(Method));
}
