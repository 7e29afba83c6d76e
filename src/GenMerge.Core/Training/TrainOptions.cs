namespace GenMerge.Core.Training;

/// <summary>Hyper-parameters of adversarial training (StyleGAN2 loss; defaults follow the paper's).</summary>
public sealed record TrainOptions
{
    public int Steps { get; init; } = 2000;
    public int BatchSize { get; init; } = 32;
    public double LrG { get; init; } = 0.002;
    public double LrD { get; init; } = 0.002;
    public double Beta1 { get; init; } = 0.0;
    public double Beta2 { get; init; } = 0.99;
    /// <summary>R1 regularisation weight; applied lazily every <see cref="R1Interval"/> D steps.</summary>
    public double R1Gamma { get; init; } = 10.0;
    public int R1Interval { get; init; } = 16;
    /// <summary>G EMA half-life in thousands of images (stylegan2-ada: 10 kimg at batch 32).</summary>
    public double EmaKimg { get; init; } = 10.0;
    /// <summary>EMA ramp-up: the half-life is at most this fraction of the images seen so far (0 disables).</summary>
    public double EmaRampup { get; init; } = 0.05;
    public long Seed { get; init; } = 1;
    /// <summary>Where the learning rates end, as a fraction of <see cref="LrG"/> / <see cref="LrD"/>: a cosine
    /// from 1 at step 0 to this at <see cref="Steps"/>. 1 keeps them constant (stylegan2-ada's recipe).</summary>
    public double FinalLrFactor { get; init; } = 1.0;
    /// <summary>Freeze-D: D's first blocks (nearest the image) that stay fixed; 0 trains all of D. See <see cref="FreezeDiscriminator"/>.</summary>
    public int FreezeD { get; init; }
    /// <summary>Augmentation of what D sees (stylegan2-ada's --aug): <see cref="AugmentModes"/>.</summary>
    public string Augment { get; init; } = AugmentModes.NoAug;
    /// <summary>Augmentation probability: the fixed p, or where adaptive augmentation starts.</summary>
    public double AugmentP { get; init; }
    /// <summary>Adaptive augmentation's target for r_t = E[sign(D(real))] (stylegan2-ada: 0.6).</summary>
    public double AdaTarget { get; init; } = AugmentModes.DefaultTarget;
    /// <summary>Which transforms augmentation draws from (stylegan2-ada's --augpipe): <see cref="AugmentPipes"/>.</summary>
    public string AugmentPipe { get; init; } = AugmentPipes.Blit;
    /// <summary>Images over which adaptive p can move by 1. stylegan2-ada uses 500 kimg for runs of 25000 kimg;
    /// jobs here are 20-400 kimg, so p could barely move: 100 kimg lets it reach 0.5 in ~1600 steps at batch 32.</summary>
    public double AdaKimg { get; init; } = 100;
    /// <summary>Weight of the pixel distillation term on G (0: off). Needs paired data (<see cref="IPairedTrainingData"/>).</summary>
    public double Distill { get; init; }
    /// <summary>Weight of the D-feature distillation term on G (0: off).</summary>
    public double DistillFeatures { get; init; }
    /// <summary>How distillation measures a difference: <see cref="Distillation.Losses"/>.</summary>
    public string DistillLoss { get; init; } = Distillation.Lap1;

    /// <summary>A factor on both distillation terms per class label of the trained model (index = label; an unconditional
    /// model has one, for all its samples); null: 1 for every class. Set by a merge's <c>distill_classes</c>.</summary>
    public IReadOnlyList<double>? DistillClassWeights { get; init; }

    /// <summary>Whether G is pulled toward its source at the same latent (<see cref="Distillation"/>).</summary>
    public bool Distils => Distill > 0 || DistillFeatures > 0;

    /// <summary>The factor on the learning rates for the step that starts at <paramref name="step"/>.</summary>
    public double LrFactorAt(long step)
    {
        if (FinalLrFactor == 1.0 || Steps == 0) return 1.0;
        var progress = Math.Clamp((double)step / Steps, 0, 1);
        return FinalLrFactor + (1 - FinalLrFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>
    /// The EMA of a job that starts from trained weights (<paramref name="trained"/>): no ramp-up, as stylegan2-ada
    /// when it resumes a network. The ramp-up caps the half-life at 5 % of the images this job has seen, which suits
    /// G's first random steps; on trained weights it leaves G_ema following G within ~50 steps after 1000, smoothing
    /// nothing. stylegan2-ada's 10 kimg assume fine-tuning far longer than a merge's, so the half-life is also capped
    /// at a sixth of the job: the starting weights keep 0.5^6 ~ 1.6 % of G_ema at its end.
    /// </summary>
    public TrainOptions Resuming(bool trained) => !trained ? this
        : this with { EmaRampup = 0, EmaKimg = Math.Min(EmaKimg, Steps * (double)BatchSize / 6000) };

    /// <summary>stylegan2-ada's auto heuristic for the R1 weight: 0.0002 * R^2 / batch.</summary>
    public static double HeuristicGamma(int resolution, int batch) => 0.0002 * resolution * resolution / batch;

    public TrainOptions Validate()
    {
        if (Steps < 0) throw new ArgumentException($"steps: {Steps} must be >= 0");
        if (BatchSize < 1) throw new ArgumentException($"batch: {BatchSize} must be >= 1");
        if (LrG <= 0 || LrD <= 0) throw new ArgumentException($"lr: learning rates must be positive (G {LrG}, D {LrD})");
        if (Beta1 < 0 || Beta1 >= 1 || Beta2 < 0 || Beta2 >= 1) throw new ArgumentException($"betas: ({Beta1}, {Beta2}) must lie in [0, 1)");
        if (R1Gamma < 0) throw new ArgumentException($"gamma: {R1Gamma} must be >= 0");
        if (R1Interval < 1) throw new ArgumentException($"r1_interval: {R1Interval} must be >= 1");
        if (EmaKimg < 0) throw new ArgumentException($"ema_kimg: {EmaKimg} must be >= 0");
        if (FreezeD < 0) throw new ArgumentException($"freeze_d: {FreezeD} must be >= 0");
        AugmentModes.Validate(Augment);
        AugmentPipes.Validate(AugmentPipe);
        if (!(AugmentP >= 0 && AugmentP <= 1)) throw new ArgumentException($"aug_p: {AugmentP} must lie in [0, 1]");
        if (Augment == AugmentModes.Fixed && AugmentP == 0) throw new ArgumentException("aug_p: fixed augmentation needs a p > 0");
        if (!(AdaTarget > 0 && AdaTarget <= 1)) throw new ArgumentException($"aug_target: {AdaTarget} must lie in (0, 1]");
        if (!(AdaKimg > 0)) throw new ArgumentException($"ada_kimg: {AdaKimg} must be positive");
        if (!(Distill >= 0 && double.IsFinite(Distill))) throw new ArgumentException($"distill: {Distill} must be a finite number >= 0");
        if (!(DistillFeatures >= 0 && double.IsFinite(DistillFeatures))) throw new ArgumentException($"distill_features: {DistillFeatures} must be a finite number >= 0");
        Distillation.Validate(DistillLoss);
        if (DistillClassWeights is { } cw)
        {
            if (cw.Count == 0) throw new ArgumentException("distill_classes: no class weights (leave them out for 1 on every class)");
            for (int i = 0; i < cw.Count; i++)
                if (!(cw[i] >= 0 && double.IsFinite(cw[i]))) throw new ArgumentException($"distill_classes: class {i}'s weight {cw[i]} must be a finite number >= 0");
        }
        if (!(FinalLrFactor > 0)) throw new ArgumentException($"final lr factor: {FinalLrFactor} must be positive");
        return this;
    }
}

/// <summary>The augmentation modes, named as stylegan2-ada's --aug.</summary>
public static class AugmentModes
{
    /// <summary>D sees images as they are.</summary>
    public const string NoAug = "noaug";
    /// <summary>p adapts to D's overfitting (r_t towards the target).</summary>
    public const string Ada = "ada";
    /// <summary>p stays at the given value.</summary>
    public const string Fixed = "fixed";

    /// <summary>stylegan2-ada's target for r_t under "ada".</summary>
    public const double DefaultTarget = 0.6;

    public static readonly IReadOnlyList<string> All = new[] { NoAug, Ada, Fixed };

    public static void Validate(string mode)
    {
        if (!All.Contains(mode)) throw new ArgumentException($"aug: '{mode}' is not one of {string.Join(", ", All)}" +
            (AugmentPipes.All.Contains(mode) ? $" ('{mode}' names a set of transforms: aug_pipe)" : ""));
    }
}
