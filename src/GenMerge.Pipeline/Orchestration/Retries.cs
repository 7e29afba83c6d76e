using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Orchestration;

/// <summary>Retry policies of the pipeline's activities (transient storage errors, preempted workers).</summary>
public static class Retries
{
    public static readonly TaskOptions Activity = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(2), backoffCoefficient: 2.0));
}
