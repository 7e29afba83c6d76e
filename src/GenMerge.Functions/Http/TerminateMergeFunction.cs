using GenMerge.Functions.Merges;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace GenMerge.Functions.Http;

/// <summary>POST /api/merges/{id}/terminate: 202 when a running merge is asked to stop, 404 unknown, 409 already finished.</summary>
public sealed class TerminateMergeFunction(ILogger<TerminateMergeFunction> log)
{
    [Function("TerminateMerge")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = MergeLinks.CollectionRoute + "/{id}/terminate")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        OrchestrationMetadata? meta = await client.GetInstanceAsync(id, getInputsAndOutputs: false, cancellationToken);
        if (meta is null)
            return JsonBodyResult.Error(StatusCodes.Status404NotFound, $"id: no merge '{id}'");
        if (meta.IsCompleted)
            return JsonBodyResult.Error(StatusCodes.Status409Conflict, $"merge '{id}' has already finished ({meta.RuntimeStatus}); nothing to terminate");

        string reason = request.Query.TryGetValue("reason", out var r) && !string.IsNullOrWhiteSpace(r) ? r.ToString() : "terminated over HTTP";
        await client.TerminateInstanceAsync(id, new TerminateInstanceOptions { Output = reason }, cancellationToken);
        log.LogInformation("merge {RunId} terminate requested: {Reason}", id, reason);
        MergeLinks links = MergeLinks.FromRequest(request, id);
        return new JsonBodyResult(StatusCodes.Status202Accepted, MergeAccepted.From(links), links.StatusQueryGetUri);
    }
}
