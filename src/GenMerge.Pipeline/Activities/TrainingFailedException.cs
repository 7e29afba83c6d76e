namespace GenMerge.Pipeline.Activities;

/// <summary>
/// A training job cannot go on (its loss diverged). Names the job and segment; not retried (see
/// <see cref="Orchestration.Retries"/>), since the same inputs diverge the same way again.
/// It carries no inner exception: status readers show the innermost failure, and this message is the one that
/// names the job.
/// </summary>
public sealed class TrainingFailedException(string message) : Exception(message);
