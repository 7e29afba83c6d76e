using GenMerge.Functions.Http;
using GenMerge.Functions.Merges;
using GenMerge.Functions.Startup;
using GenMerge.Pipeline.Requests;
using GenMerge.Pipeline.Runs;
using GenMerge.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace GenMerge.Functions.Blobs;

/// <summary>Written beside a request blob that started (or had already started) a merge.</summary>
public sealed record MergeRequestStarted(string Id, string StatusPath, string? StatusUri, bool AlreadyStarted, string Blob);

/// <summary>Written beside a request blob that cannot be run; the error names the field.</summary>
public sealed record MergeRequestRejected(string Error, string Blob);

/// <summary>
/// A merge-request JSON landing in the merge-requests container starts a merge, exactly as POST
/// /api/merges would, under a run id derived from the blob name (<see cref="BlobRunIds"/>), and
/// leaves <c>{name}.started.json</c> or <c>{name}.error.json</c> next to it.
/// </summary>
public sealed class MergeRequestBlobFunction(MergeStarter starter, MergeRequestInbox inbox, IConfiguration configuration, ILogger<MergeRequestBlobFunction> log)
{
    [Function("MergeRequestBlob")]
    public async Task Run(
        [BlobTrigger(FunctionsSettings.RequestsContainer + "/{name}", Connection = FunctionsSettings.HostStorage)] string content,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        if (MergeRequestInbox.IsAnswer(name))
            return; // our own answers land in the same container

        MergeRequest request;
        try
        {
            request = await starter.ValidateAsync(content, cancellationToken);
        }
        catch (RequestException e)
        {
            log.LogWarning("merge request blob {Blob} refused: {Error}", name, e.Message);
            await inbox.Store.WriteJsonAsync(MergeRequestInbox.ErrorName(name), new MergeRequestRejected(e.Message, name),
                JsonBodyResult.Json, cancellationToken);
            return;
        }

        string runId = BlobRunIds.For(name);
        StartedMerge started = await starter.StartAsync(client, runId, request, cancellationToken);
        string path = $"/api/{MergeLinks.CollectionRoute}/{runId}";
        // WEBSITE_HOSTNAME is the app's public host name where the platform sets it (Azure); locally there is none.
        string? uri = configuration["WEBSITE_HOSTNAME"] is { Length: > 0 } host ? $"https://{host}{path}" : null;
        await inbox.Store.WriteJsonAsync(MergeRequestInbox.StartedName(name),
            new MergeRequestStarted(runId, path, uri, started.AlreadyExisted, name), JsonBodyResult.Json, cancellationToken);
        // A fixed request re-uploaded under the same name: the earlier refusal no longer applies.
        await inbox.Store.DeleteAsync(MergeRequestInbox.ErrorName(name), cancellationToken);
        log.LogInformation("merge request blob {Blob}: merge {RunId} {What}", name, runId, started.AlreadyExisted ? "already started" : "started");
    }
}
