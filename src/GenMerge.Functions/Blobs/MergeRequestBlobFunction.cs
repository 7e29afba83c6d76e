using GenMerge.Api.Inbox;
using GenMerge.Api.Merges;
using GenMerge.Functions.Startup;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace GenMerge.Functions.Blobs;

/// <summary>The merge-requests blob trigger: <see cref="MergeRequestIntake"/> does the work (shared with `genmerge serve`).</summary>
public sealed class MergeRequestBlobFunction(MergeStarter starter, MergeRequestInbox inbox, IConfiguration configuration, ILogger<MergeRequestBlobFunction> log)
{
    [Function("MergeRequestBlob")]
    public async Task Run(
        [BlobTrigger(FunctionsSettings.RequestsContainer + "/{name}", Connection = FunctionsSettings.HostStorage)] string content,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        // WEBSITE_HOSTNAME is the app's public host name where the platform sets it (Azure); locally there is none.
        string? publicBase = configuration["WEBSITE_HOSTNAME"] is { Length: > 0 } host ? $"https://{host}" : null;
        await new MergeRequestIntake(starter, inbox, log).HandleAsync(name, content, client, publicBase, cancellationToken);
    }
}
