using GenMerge.Api.Inbox;
using GenMerge.Pipeline;
using GenMerge.Pipeline.Storage;

namespace GenMerge.Server;

/// <summary>What `genmerge serve` was asked for.</summary>
public sealed class ServeOptions
{
    public const string DefaultUrls = "http://127.0.0.1:7071";
    public const long DefaultMaxModelBytes = 512L << 20;

    /// <summary>Blob connection string (artifacts, inbox container, persistent task hub) or https account URL; null: folders under <see cref="WorkDir"/>.</summary>
    public string? Storage { get; init; }

    /// <summary>With <see cref="Storage"/>: the artifact container, and the container whose new blobs are merge requests.</summary>
    public string Container { get; init; } = BlobArtifactStore.DefaultContainerName;
    public string InboxContainer { get; init; } = MergeRequestInbox.Container;

    /// <summary>Working folder: store/ and inbox/ without --storage, and the API key file.</summary>
    public required string WorkDir { get; init; }

    /// <summary>Kestrel URLs, ';'-separated; port 0 picks a free port.</summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary>Serve the API only; a worker elsewhere runs the merges (needs a persistent task hub).</summary>
    public bool NoWorker { get; init; }

    /// <summary>A folder whose checkpoints requests can name as models/&lt;file&gt;; uploads land there too.</summary>
    public string? ModelsDir { get; init; }

    public int MaxActivities { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Largest checkpoint PUT /api/models/{name} accepts.</summary>
    public long MaxModelBytes { get; init; } = DefaultMaxModelBytes;

    public string TaskHub { get; init; } = Environment.GetEnvironmentVariable("GENMERGE_TASKHUB") is { Length: > 0 } hub ? hub : PipelineInfo.TaskHubName;

    /// <summary>How often the inbox is looked at for new requests.</summary>
    public TimeSpan InboxPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often running merges' losses are sampled for the dashboard's curves.</summary>
    public TimeSpan ProgressPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public string KeyFile => Path.Combine(WorkDir, "serve-api-key");
}
