namespace GenMerge.Core.Training;

/// <summary>One progress report of a training run (reported every few steps and at the end).</summary>
public sealed record TrainProgress(
    long Step, long TotalSteps, double LossG, double LossD, double R1Penalty,
    double ImagesPerSecond, TimeSpan Elapsed, TimeSpan Eta)
{
    public string Describe() =>
        $"step {Step}/{TotalSteps}  loss_G {LossG:F3}  loss_D {LossD:F3}  r1 {R1Penalty:F4}  {ImagesPerSecond:F0} img/s  ETA {Eta:hh\\:mm\\:ss}";
}
