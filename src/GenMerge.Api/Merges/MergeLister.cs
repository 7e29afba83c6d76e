using System.Globalization;
using System.Text;
using System.Text.Json;
using GenMerge.Pipeline.Orchestration;
using Microsoft.DurableTask.Client;

namespace GenMerge.Api.Merges;

/// <summary>One row of GET .../merges.</summary>
public sealed record MergeSummary(string Id, string RuntimeStatus, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt, MergeProgress? Progress, string StatusQueryGetUri);

/// <summary>Body of GET .../merges: a page of merges, newest first; pass ContinuationToken back for the next page.</summary>
public sealed record MergeList(IReadOnlyList<MergeSummary> Merges, string? ContinuationToken);

/// <summary>
/// Lists merge orchestrations newest first. Task hubs page in their own order (in-memory: none), so every
/// merge instance is read and sorted; the token is the last row's (created, id) key, so a page does not
/// shift when new merges start meanwhile. Fine for the hundreds of runs one hub holds.
/// </summary>
public static class MergeLister
{
    public const int DefaultTop = 50;
    public const int MaxTop = 500;

    public static async Task<MergeList> ListAsync(DurableTaskClient client, int top, string? continuationToken, Func<string, MergeLinks> links, CancellationToken cancellationToken = default)
    {
        (long Ticks, string Id)? after = continuationToken is null ? null : Decode(continuationToken);
        var all = new List<OrchestrationMetadata>();
        await foreach (OrchestrationMetadata meta in client.GetAllInstancesAsync(new OrchestrationQuery { FetchInputsAndOutputs = true }).WithCancellation(cancellationToken))
            if (meta.Name == nameof(MergeOrchestrator)) all.Add(meta);

        var ordered = all
            .OrderByDescending(m => m.CreatedAt.UtcTicks).ThenByDescending(m => m.InstanceId, StringComparer.Ordinal)
            .Where(m => after is not { } a || m.CreatedAt.UtcTicks < a.Ticks
                        || (m.CreatedAt.UtcTicks == a.Ticks && string.CompareOrdinal(m.InstanceId, a.Id) < 0))
            .ToList();
        var page = ordered.Take(top).Select(m => new MergeSummary(m.InstanceId, m.RuntimeStatus.ToString(), m.CreatedAt, m.LastUpdatedAt,
            Progress(m), links(m.InstanceId).StatusQueryGetUri)).ToList();
        string? next = ordered.Count > top ? Encode(page[^1].CreatedAt.UtcTicks, page[^1].Id) : null;
        return new MergeList(page, next);
    }

    static MergeProgress? Progress(OrchestrationMetadata m)
    {
        try { return m.ReadCustomStatusAs<MergeProgress>(); }
        catch (JsonException) { return null; } // a custom status of another shape shows as none
    }

    static string Encode(long ticks, string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ticks.ToString(CultureInfo.InvariantCulture)}:{id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static (long, string) Decode(string token)
    {
        try
        {
            string b64 = token.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - b64.Length % 4) % 4);
            string text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            int colon = text.IndexOf(':');
            if (colon > 0 && long.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks))
                return (ticks, text[(colon + 1)..]);
        }
        catch (FormatException) { }
        throw new FormatException($"continuationToken: '{token}' is not a token this API returned");
    }
}
