using GenMerge.Functions.Merges;
using GenMerge.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace GenMerge.Functions.Http;

/// <summary>
/// DELETE /api/merges/{id}[?artifacts=true]: purges a finished merge's history.
/// The run's artifacts stay unless artifacts=true. 200, 404 unknown, 409 while it still runs.
/// </summary>
public sealed class PurgeMergeFunction(IArtifactStore store, ILogger<PurgeMergeFunction> log)
{
    [Function("PurgeMerge")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = MergeLinks.CollectionRoute + "/{id}")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        bool deleteArtifacts = false;
        if (request.Query.TryGetValue("artifacts", out var a) && !bool.TryParse(a.ToString(), out deleteArtifacts))
            return JsonBodyResult.Error(StatusCodes.Status400BadRequest, $"artifacts: expected true or false, found '{a}'");

        if (deleteArtifacts && !IsRunId(id))
            return JsonBodyResult.Error(StatusCodes.Status400BadRequest, $"id: '{id}' is not a merge run id, so it has no artifacts to delete");

        OrchestrationMetadata? meta = await client.GetInstanceAsync(id, getInputsAndOutputs: false, cancellationToken);
        if (meta is null)
            return JsonBodyResult.Error(StatusCodes.Status404NotFound, $"id: no merge '{id}'");
        if (!meta.IsCompleted)
            return JsonBodyResult.Error(StatusCodes.Status409Conflict, $"merge '{id}' is {meta.RuntimeStatus}; terminate it first (POST .../merges/{id}/terminate)");

        PurgeResult purged = await client.PurgeInstanceAsync(id, cancellation: cancellationToken);
        int deleted = 0;
        if (deleteArtifacts)
        {
            var run = new RunArtifacts(store, id);
            foreach (string name in await store.ListAsync(run.Root + "/", cancellationToken))
                if (await store.DeleteAsync(name, cancellationToken)) deleted++;
        }
        log.LogInformation("merge {RunId} purged ({Instances} instances, {Artifacts} artifacts deleted)", id, purged.PurgedInstanceCount, deleted);
        return new JsonBodyResult(StatusCodes.Status200OK, new MergePurged(id, purged.PurgedInstanceCount > 0, deleted));
    }

    static bool IsRunId(string id)
    {
        try { ArtifactNames.ValidateSegment(id, "run id"); return true; }
        catch (ArgumentException) { return false; }
    }
}
