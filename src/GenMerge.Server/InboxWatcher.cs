using System.Security.Cryptography;
using System.Text;
using GenMerge.Api.Inbox;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace GenMerge.Server;

/// <summary>
/// `serve`'s stand-in for the Functions blob trigger: polls the inbox (the merge-requests container, or
/// &lt;work&gt;/inbox/) and hands each request without a .started.json answer to the shared
/// <see cref="MergeRequestIntake"/>. A refused request is tried again only when its content changes.
/// </summary>
public sealed class InboxWatcher(MergeRequestInbox inbox, MergeRequestIntake intake, DurableTaskClient client, Func<string?> publicBase, TimeSpan every, ILogger log)
{
    readonly Dictionary<string, string> refused = new(StringComparer.Ordinal);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        do
        {
            try
            {
                await PollOnceAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "inbox {Inbox}: poll failed; trying again", inbox.Store.Description);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>One look at the inbox; returns how many requests it handed on.</summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        var names = (await inbox.Store.ListAsync("", cancellationToken)).ToHashSet(StringComparer.Ordinal);
        int handled = 0;
        foreach (string name in names.Order(StringComparer.Ordinal))
        {
            if (MergeRequestInbox.IsAnswer(name) || names.Contains(MergeRequestInbox.StartedName(name))) continue;
            string content;
            try { content = await inbox.Store.ReadTextAsync(name, cancellationToken); }
            catch (ArtifactNotFoundException) { continue; } // taken away meanwhile
            string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
            if (refused.TryGetValue(name, out var seen) && seen == hash && names.Contains(MergeRequestInbox.ErrorName(name))) continue;
            string? runId = await intake.HandleAsync(name, content, client, publicBase(), cancellationToken);
            if (runId is null) refused[name] = hash; else refused.Remove(name);
            handled++;
        }
        return handled;
    }
}
