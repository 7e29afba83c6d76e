using GenMerge.Api.Http;
using GenMerge.Api.Merges;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace GenMerge.Functions.Http;

/// <summary>POST /api/merges/{id}/terminate (<see cref="MergeHandlers.TerminateAsync"/>).</summary>
public sealed class TerminateMergeFunction(ILogger<TerminateMergeFunction> log)
{
    [Function("TerminateMerge")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = MergeLinks.CollectionRoute + "/{id}/terminate")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        await MergeHandlers.TerminateAsync(request, id, client, log, cancellationToken);
}
