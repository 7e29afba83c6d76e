using GenMerge.Api.Http;
using GenMerge.Api.Merges;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace GenMerge.Functions.Http;

/// <summary>GET /api/merges[?top=N&amp;continuationToken=T] (<see cref="MergeHandlers.ListAsync"/>).</summary>
public sealed class ListMergesFunction
{
    [Function("ListMerges")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = MergeLinks.CollectionRoute)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        await MergeHandlers.ListAsync(request, client, cancellationToken);
}
