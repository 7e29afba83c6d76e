using GenMerge.Api.Http;
using GenMerge.Api.Merges;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace GenMerge.Functions.Http;

/// <summary>POST /api/merges (<see cref="MergeHandlers.StartAsync"/>).</summary>
public sealed class StartMergeFunction(MergeStarter starter, ILogger<StartMergeFunction> log)
{
    /// <summary>Merge requests are small; anything larger is refused before parsing.</summary>
    public const int MaxBodyBytes = MergeHandlers.MaxBodyBytes;

    [Function("StartMerge")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = MergeLinks.CollectionRoute)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        await MergeHandlers.StartAsync(request, client, starter, log, cancellationToken);
}
