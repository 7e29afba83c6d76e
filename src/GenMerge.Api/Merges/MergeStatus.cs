using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Runs;

namespace GenMerge.Api.Merges;

/// <summary>Body of GET /api/merges/{id}.</summary>
public sealed record MergeStatus
{
    public required string Id { get; init; }
    /// <summary>Pending, Running, Completed, Failed, Terminated, Suspended (the Durable runtime status).</summary>
    public required string RuntimeStatus { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset LastUpdatedAt { get; init; }
    /// <summary>The orchestration's custom status, with each running training job's steps and losses.</summary>
    public MergeProgress? Progress { get; init; }
    /// <summary>The innermost failure (activity errors arrive wrapped by the orchestration).</summary>
    public MergeFailure? Failure { get; init; }
    /// <summary>Where the results are, once completed.</summary>
    public MergeResultLinks? Results { get; init; }
    public required MergeLinks Links { get; init; }
}

/// <summary>Locations (blob URIs or file paths) of a finished run's artifacts.</summary>
public sealed record MergeResultLinks(string ReportJson, string ReportMarkdown, string Merged);

/// <summary>Body of a 202 from POST /api/merges and from POST /api/merges/{id}/terminate.</summary>
public sealed record MergeAccepted(string Id, string StatusQueryGetUri, string TerminatePostUri, string PurgeDeleteUri)
{
    public static MergeAccepted From(MergeLinks l) => new(l.Id, l.StatusQueryGetUri, l.TerminatePostUri, l.PurgeDeleteUri);
}

/// <summary>Body of DELETE /api/merges/{id}.</summary>
public sealed record MergePurged(string Id, bool Purged, int ArtifactsDeleted);
