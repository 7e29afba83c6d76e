using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Orchestration;

/// <summary>Retry policies of the pipeline's activities (transient storage errors, preempted workers).</summary>
public static class Retries
{
    public static readonly TaskOptions Activity = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(2), backoffCoefficient: 2.0)
    {
        // A bad request, a bad checkpoint or a diverged job fails the same way every time: do not retry those.
        HandleFailure = f => !IsUserError(f),
    });

    static bool IsUserError(TaskFailureDetails f) =>
        f.IsCausedBy<Requests.RequestException>() || f.IsCausedBy<Core.Checkpoints.CheckpointException>()
        || f.IsCausedBy<Activities.TrainingFailedException>()
        || (f.InnerFailure is { } inner && IsUserError(inner));
}
