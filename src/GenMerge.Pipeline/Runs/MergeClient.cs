using System.Text.Json;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Requests;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace GenMerge.Pipeline.Runs;

/// <summary>What <see cref="MergeClient.StartAsync"/> did: started a new orchestration, or found one with that id.</summary>
public sealed record StartedMerge(string Id, bool AlreadyExisted);

/// <summary>The innermost failure of a run (activity errors arrive wrapped by the orchestration).</summary>
public sealed record MergeFailure(string ErrorType, string ErrorMessage);

/// <summary>A merge run as the task hub knows it; each front end (HTTP, CLI) shows it its own way.</summary>
public sealed record MergeRunState
{
    public required string RunId { get; init; }
    public required OrchestrationRuntimeStatus RuntimeStatus { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset LastUpdatedAt { get; init; }
    /// <summary>The orchestration's custom status; null when absent or of another shape.</summary>
    public MergeProgress? Progress { get; init; }
    public MergeFailure? Failure { get; init; }
    /// <summary>The orchestration's output once completed; null before, or when of another shape.</summary>
    public MergeRunResult? Result { get; init; }

    /// <summary>Running, Completed, Failed or Terminated: a finished run, or one still to come.</summary>
    public string State => RuntimeStatus switch
    {
        OrchestrationRuntimeStatus.Completed => "Completed",
        OrchestrationRuntimeStatus.Failed => "Failed",
        OrchestrationRuntimeStatus.Terminated => "Terminated",
        _ => "Running",
    };
}

/// <summary>
/// Starts <see cref="MergeOrchestrator"/> runs and reads their state, over any Durable task hub client: the one
/// start/status logic of the Functions app and the self-hosted runner. The run id is the instance id.
/// </summary>
public sealed class MergeClient(DurableTaskClient client)
{
    /// <summary>
    /// Starts the merge under <paramref name="runId"/> unless an orchestration with that id exists already:
    /// a repeated start is a no-op that reports the existing run. With <paramref name="restartUnsuccessful"/>
    /// a failed or terminated run is purged and started again (`genmerge resume`; its activities reuse
    /// every artifact already written).
    /// </summary>
    public async Task<StartedMerge> StartAsync(string runId, MergeRequest request, bool restartUnsuccessful = false, CancellationToken cancellationToken = default)
    {
        ArtifactNames.ValidateSegment(runId, "run id");
        var existing = await client.GetInstanceAsync(runId, getInputsAndOutputs: false, cancellationToken);
        if (existing is not null)
        {
            if (!restartUnsuccessful || existing.RuntimeStatus is not (OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated))
                return new StartedMerge(runId, AlreadyExisted: true);
            await client.PurgeInstanceAsync(runId, cancellation: cancellationToken);
        }
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(MergeOrchestrator), new MergeRunInput(runId, request),
                new StartOrchestrationOptions(runId), cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A concurrent start of the same id (a re-delivered blob trigger) may have won the race.
            if (await client.GetInstanceAsync(runId, getInputsAndOutputs: false, cancellationToken) is not null)
                return new StartedMerge(runId, AlreadyExisted: true);
            throw;
        }
        return new StartedMerge(runId, AlreadyExisted: false);
    }

    /// <summary>Null when there is no orchestration with that id.</summary>
    public async Task<MergeRunState?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        OrchestrationMetadata? meta = await client.GetInstanceAsync(runId, getInputsAndOutputs: true, cancellationToken);
        if (meta is null) return null;
        return new MergeRunState
        {
            RunId = runId,
            RuntimeStatus = meta.RuntimeStatus,
            CreatedAt = meta.CreatedAt,
            LastUpdatedAt = meta.LastUpdatedAt,
            Progress = Tolerant(meta.ReadCustomStatusAs<MergeProgress>),
            Failure = meta.FailureDetails is { } f ? Innermost(f) : null,
            Result = meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? Tolerant(meta.ReadOutputAs<MergeRunResult>) : null,
        };
    }

    /// <summary>The deepest failure: activity errors arrive wrapped by the orchestration.</summary>
    public static MergeFailure Innermost(TaskFailureDetails f)
    {
        while (f.InnerFailure is not null) f = f.InnerFailure;
        return new MergeFailure(f.ErrorType, f.ErrorMessage);
    }

    // A custom status or output of another shape shows as none rather than failing the query.
    static T? Tolerant<T>(Func<T?> read) where T : class
    {
        try { return read(); }
        catch (JsonException) { return null; }
    }
}
