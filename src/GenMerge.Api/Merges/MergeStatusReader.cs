using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using GenMerge.Pipeline.Runs;

namespace GenMerge.Api.Merges;

/// <summary>Builds a <see cref="MergeStatus"/> from the task hub (and, for a finished run, the artifact store's locations).</summary>
public static class MergeStatusReader
{
    /// <summary>Null when there is no orchestration with that id. Per-job progress is in the merge's own custom status.</summary>
    public static async Task<MergeStatus?> ReadAsync(DurableTaskClient client, IArtifactStore store, string id, MergeLinks links, CancellationToken cancellationToken = default)
    {
        MergeRunState? state = await new MergeClient(client).GetAsync(id, cancellationToken);
        if (state is null) return null;
        return new MergeStatus
        {
            Id = id,
            RuntimeStatus = state.RuntimeStatus.ToString(),
            CreatedAt = state.CreatedAt,
            LastUpdatedAt = state.LastUpdatedAt,
            Progress = state.Progress,
            Failure = state.Failure,
            Results = state.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? Results(state.Result, store, id) : null,
            Links = links,
        };
    }

    static MergeResultLinks? Results(MergeRunResult? result, IArtifactStore store, string id)
    {
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
}
