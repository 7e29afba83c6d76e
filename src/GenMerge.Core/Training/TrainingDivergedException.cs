namespace GenMerge.Core.Training;

/// <summary>
/// A training step produced a NaN or infinite loss. Thrown before that step's optimiser update, so the model
/// still holds the last finite state; the same data and seed diverge the same way again, so this is not retried.
/// </summary>
public sealed class TrainingDivergedException(long step, string what)
    : Exception($"training diverged at step {step}: {what} (lower --lr or --gamma, or check the source models)")
{
    public long Step { get; } = step;
}
