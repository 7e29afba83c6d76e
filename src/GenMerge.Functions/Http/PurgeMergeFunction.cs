using GenMerge.Api.Http;
using GenMerge.Api.Merges;
using GenMerge.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace GenMerge.Functions.Http;

/// <summary>DELETE /api/merges/{id}[?artifacts=true] (<see cref="MergeHandlers.PurgeAsync"/>).</summary>
public sealed class PurgeMergeFunction(IArtifactStore store, ILogger<PurgeMergeFunction> log)
{
    [Function("PurgeMerge")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = MergeLinks.CollectionRoute + "/{id}")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        await MergeHandlers.PurgeAsync(request, id, client, store, log, cancellationToken);
}
