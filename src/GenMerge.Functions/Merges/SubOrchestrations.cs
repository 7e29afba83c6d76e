using Microsoft.DurableTask.Client;

namespace GenMerge.Functions.Merges;

/// <summary>
/// A merge's training sub-orchestrations, found by their id scheme ("{runId}:{job}", MergeOrchestrator.SubInstanceId).
/// Terminate and purge walk them explicitly: recursive terminate/purge is not honoured by every backend
/// (the in-process test sidecar ignores it).
/// </summary>
public static class SubOrchestrations
{
    public static async Task<IReadOnlyList<OrchestrationMetadata>> OfAsync(DurableTaskClient client, string runId, CancellationToken cancellationToken)
    {
        var found = new List<OrchestrationMetadata>();
        var query = new OrchestrationQuery { InstanceIdPrefix = runId + ":", FetchInputsAndOutputs = false };
        await foreach (OrchestrationMetadata sub in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
            found.Add(sub);
        return found;
    }
}
