namespace GenMerge.Core.Training;

/// <summary>One progress report of a training run (reported every few steps and at the end).</summary>
public sealed record TrainProgress(
    long Step, long TotalSteps, double LossG, double LossD, double R1Penalty,
    double ImagesPerSecond, TimeSpan Elapsed, TimeSpan Eta)
{
    /// <summary>D's overfitting heuristic r_t = E[sign(D(real))] over the last few steps (NaN before the first).</summary>
    public double Rt { get; init; } = double.NaN;
    /// <summary>Augmentation probability (null: no augmentation).</summary>
    public double? AugmentP { get; init; }
    /// <summary>The weighted distillation loss of the last G step (null: no distillation).</summary>
    public double? Distill { get; init; }

    public string Describe() =>
        $"step {Step}/{TotalSteps}  loss_G {LossG:F3}  loss_D {LossD:F3}  r1 {R1Penalty:F4}  rt {Rt:F2}" +
        (AugmentP is double p ? $"  p {p:F3}" : "") + (Distill is double d ? $"  distill {d:F4}" : "") + $"  {ImagesPerSecond:F0} img/s  ETA {Eta:hh\\:mm\\:ss}";
}
