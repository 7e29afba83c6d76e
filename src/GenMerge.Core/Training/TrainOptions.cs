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
        return this;
    }
}
