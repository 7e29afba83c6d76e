using GenMerge.Api.Http;
using GenMerge.Api.Merges;
using GenMerge.Pipeline.Requests;
using GenMerge.Pipeline.Runs;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace GenMerge.Api.Inbox;

/// <summary>Written beside a request that started (or had already started) a merge.</summary>
public sealed record MergeRequestStarted(string Id, string StatusPath, string? StatusUri, bool AlreadyStarted, string Blob);

/// <summary>Written beside a request that cannot be run; the error names the field.</summary>
public sealed record MergeRequestRejected(string Error, string Blob);

/// <summary>
/// A merge-request JSON landing in the inbox (the Functions app's blob trigger on merge-requests, or
/// `genmerge serve` watching its container or folder) starts a merge, exactly as POST .../merges would,
/// under a run id derived from the name (<see cref="BlobRunIds"/>), and leaves <c>{name}.started.json</c>
/// or <c>{name}.error.json</c> next to it.
/// </summary>
public sealed class MergeRequestIntake(MergeStarter starter, MergeRequestInbox inbox, ILogger log)
{
    /// <summary>Handles one request named <paramref name="name"/>; <paramref name="publicBase"/> (https://host) makes the answer's StatusUri.</summary>
    /// <returns>The run id started or found; null when refused or when <paramref name="name"/> is one of our answers.</returns>
    public async Task<string?> HandleAsync(string name, string content, DurableTaskClient client, string? publicBase, CancellationToken cancellationToken)
    {
        if (MergeRequestInbox.IsAnswer(name))
            return null; // our own answers land in the same container

        MergeRequest request;
        try
        {
            request = await starter.ValidateAsync(content, cancellationToken);
        }
        catch (RequestException e)
        {
            log.LogWarning("merge request {Blob} refused: {Error}", name, e.Message);
            await inbox.Store.WriteJsonAsync(MergeRequestInbox.ErrorName(name), new MergeRequestRejected(e.Message, name),
                JsonBodyResult.Json, cancellationToken);
            return null;
        }

        string runId = BlobRunIds.For(name);
        StartedMerge started = await starter.StartAsync(client, runId, request, cancellationToken);
        string path = $"/api/{MergeLinks.CollectionRoute}/{runId}";
        string? uri = publicBase is { Length: > 0 } ? publicBase.TrimEnd('/') + path : null;
        await inbox.Store.WriteJsonAsync(MergeRequestInbox.StartedName(name),
            new MergeRequestStarted(runId, path, uri, started.AlreadyExisted, name), JsonBodyResult.Json, cancellationToken);
        // A fixed request re-uploaded under the same name: the earlier refusal no longer applies.
        await inbox.Store.DeleteAsync(MergeRequestInbox.ErrorName(name), cancellationToken);
        log.LogInformation("merge request {Blob}: merge {RunId} {What}", name, runId, started.AlreadyExisted ? "already started" : "started");
        return runId;
    }
}
