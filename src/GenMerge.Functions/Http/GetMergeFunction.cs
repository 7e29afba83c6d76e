using GenMerge.Functions.Merges;
using GenMerge.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace GenMerge.Functions.Http;

/// <summary>GET /api/merges/{id}: runtime status, progress, failure, and result locations once completed.</summary>
public sealed class GetMergeFunction(IArtifactStore store)
{
    [Function("GetMerge")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = MergeLinks.CollectionRoute + "/{id}")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        MergeStatus? status = await MergeStatusReader.ReadAsync(client, store, id, MergeLinks.FromRequest(request, id), cancellationToken);
        return status is null
            ? JsonBodyResult.Error(StatusCodes.Status404NotFound, $"id: no merge '{id}'")
            : new JsonBodyResult(StatusCodes.Status200OK, status);
    }
}
