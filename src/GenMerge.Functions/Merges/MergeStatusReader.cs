using System.Text.Json;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace GenMerge.Functions.Merges;

/// <summary>Builds a <see cref="MergeStatus"/> from the task hub (and, for a finished run, the artifact store's locations).</summary>
public static class MergeStatusReader
{
    /// <summary>Null when there is no orchestration with that id. Per-job progress is in the merge's own custom status.</summary>
    public static async Task<MergeStatus?> ReadAsync(DurableTaskClient client, IArtifactStore store, string id, MergeLinks links, CancellationToken cancellationToken = default)
    {
        OrchestrationMetadata? meta = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        if (meta is null) return null;
        MergeProgress? progress = Progress(meta);
        return new MergeStatus
        {
            Id = id,
            RuntimeStatus = meta.RuntimeStatus.ToString(),
            CreatedAt = meta.CreatedAt,
            LastUpdatedAt = meta.LastUpdatedAt,
            Progress = progress,
            Failure = meta.FailureDetails is { } f ? Innermost(f) : null,
            Results = meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? Results(meta, store, id) : null,
            Links = links,
        };
    }

    static MergeProgress? Progress(OrchestrationMetadata meta)
    {
        try { return meta.ReadCustomStatusAs<MergeProgress>(); }
        catch (JsonException) { return null; } // a custom status of another shape: show none rather than fail the query
    }

    static MergeResultLinks? Results(OrchestrationMetadata meta, IArtifactStore store, string id)
    {
        MergeRunResult? result = null;
        try { result = meta.ReadOutputAs<MergeRunResult>(); }
        catch (JsonException) { }
        try
        {
            if (result is not null)
                return new MergeResultLinks(store.Locate(result.ReportArtifact), store.Locate(result.ReportMarkdownArtifact), store.Locate(result.MergedArtifact));
            // The deterministic names are the fallback: the report activity writes exactly these.
            var run = new RunArtifacts(store, id);
            return new MergeResultLinks(store.Locate(run.ReportJson), store.Locate(run.ReportMarkdown), store.Locate(run.Merged));
        }
        catch (ArgumentException)
        {
            return null; // not a merge run id: it has no run folder
        }
    }

    static MergeFailure Innermost(TaskFailureDetails f)
    {
        while (f.InnerFailure is not null) f = f.InnerFailure;
        return new MergeFailure(f.ErrorType, f.ErrorMessage);
    }
}
