using System.Text;
using GenMerge.Api.Merges;
using GenMerge.Pipeline.Requests;
using GenMerge.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace GenMerge.Api.Http;

/// <summary>
/// The merge API's handlers: what POST/GET/DELETE on .../merges do, whichever host routes the request
/// there (the Functions app's [Function] wrappers, or `genmerge serve`). Every 4xx names the problem.
/// </summary>
public static class MergeHandlers
{
    /// <summary>Merge requests are small; anything larger is refused before parsing.</summary>
    public const int MaxBodyBytes = 1 << 20;

    /// <summary>POST .../merges: validate a merge request, start a merge, answer 202 with its URLs.</summary>
    public static async Task<JsonBodyResult> StartAsync(HttpRequest request, DurableTaskClient client, MergeStarter starter, ILogger log, CancellationToken cancellationToken)
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

    /// <summary>GET .../merges/{id}: runtime status, progress, failure, and result locations once completed.</summary>
    public static async Task<JsonBodyResult> GetAsync(HttpRequest request, string id, DurableTaskClient client, IArtifactStore store, CancellationToken cancellationToken)
    {
        MergeStatus? status = await MergeStatusReader.ReadAsync(client, store, id, MergeLinks.FromRequest(request, id), cancellationToken);
        return status is null
            ? JsonBodyResult.Error(StatusCodes.Status404NotFound, $"id: no merge '{id}'")
            : new JsonBodyResult(StatusCodes.Status200OK, status);
    }

    /// <summary>GET .../merges[?top=N&amp;continuationToken=T]: merges newest first, a page at a time.</summary>
    public static async Task<JsonBodyResult> ListAsync(HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        int top = MergeLister.DefaultTop;
        if (request.Query.TryGetValue("top", out var t) && (!int.TryParse(t, out top) || top is < 1 or > MergeLister.MaxTop))
            return JsonBodyResult.Error(StatusCodes.Status400BadRequest, $"top: expected a whole number 1..{MergeLister.MaxTop}, found '{t}'");
        string? token = request.Query.TryGetValue("continuationToken", out var c) && !string.IsNullOrEmpty(c) ? c.ToString() : null;
        try
        {
            MergeList page = await MergeLister.ListAsync(client, top, token, id => MergeLinks.FromRequest(request, id), cancellationToken);
            return new JsonBodyResult(StatusCodes.Status200OK, page);
        }
        catch (FormatException e)
        {
            return JsonBodyResult.Error(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    /// <summary>POST .../merges/{id}/terminate: 202 when a running merge is asked to stop, 404 unknown, 409 already finished.</summary>
    public static async Task<JsonBodyResult> TerminateAsync(HttpRequest request, string id, DurableTaskClient client, ILogger log, CancellationToken cancellationToken)
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

    /// <summary>
    /// DELETE .../merges/{id}[?artifacts=true]: purges a finished merge's history.
    /// The run's artifacts stay unless artifacts=true. 200, 404 unknown, 409 while it still runs.
    /// </summary>
    public static async Task<JsonBodyResult> PurgeAsync(HttpRequest request, string id, DurableTaskClient client, IArtifactStore store, ILogger log, CancellationToken cancellationToken)
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

    internal static bool IsRunId(string id)
    {
        try { ArtifactNames.ValidateSegment(id, "run id"); return true; }
        catch (ArgumentException) { return false; }
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
