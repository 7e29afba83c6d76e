using GenMerge.Api.Http;
using GenMerge.Api.Merges;
using GenMerge.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace GenMerge.Functions.Http;

/// <summary>GET /api/merges/{id} (<see cref="MergeHandlers.GetAsync"/>).</summary>
public sealed class GetMergeFunction(IArtifactStore store)
{
    [Function("GetMerge")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = MergeLinks.CollectionRoute + "/{id}")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        await MergeHandlers.GetAsync(request, id, client, store, cancellationToken);
}
