using System.Text;
using GenMerge.Functions.Merges;
using GenMerge.Pipeline.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace GenMerge.Functions.Http;

/// <summary>POST /api/merges: validate a merge request, start a merge, answer 202 with its URLs.</summary>
public sealed class StartMergeFunction(MergeStarter starter, ILogger<StartMergeFunction> log)
{
    /// <summary>Merge requests are small; anything larger is refused before parsing.</summary>
    public const int MaxBodyBytes = 1 << 20;

    [Function("StartMerge")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = MergeLinks.CollectionRoute)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        string? body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
            return JsonBodyResult.Error(StatusCodes.Status413PayloadTooLarge, $"merge request: the body is larger than {MaxBodyBytes} bytes");

        MergeRequest merge;
        try
        {
            merge = await starter.ValidateAsync(body, cancellationToken);
        }
        catch (RequestException e)
        {
            return JsonBodyResult.Error(StatusCodes.Status400BadRequest, e.Message);
        }

        // The run id is made here, not in an orchestrator (which must stay deterministic).
        string runId = MergeStarter.NewRunId();
        await starter.StartAsync(client, runId, merge, cancellationToken);
        log.LogInformation("merge {RunId} started over HTTP with {Models} models", runId, merge.Models!.Count);

        MergeLinks links = MergeLinks.FromRequest(request, runId);
        return new JsonBodyResult(StatusCodes.Status202Accepted, MergeAccepted.From(links), links.StatusQueryGetUri);
    }

    /// <summary>The body as UTF-8 text; null when it exceeds <see cref="MaxBodyBytes"/>.</summary>
    static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
