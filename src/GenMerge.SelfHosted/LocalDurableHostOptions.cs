using GenMerge.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenMerge.SelfHosted;

/// <summary>Where a <see cref="LocalDurableHost"/> keeps orchestration state.</summary>
public enum DurableBackend
{
    /// <summary>In process memory: fast, gone when the process ends.</summary>
    InMemory,

    /// <summary>Azure Storage queues/tables/blobs (Azure or Azurite): survives restarts and crashes.</summary>
    AzureStorage,
}

/// <summary>Settings of a <see cref="LocalDurableHost"/>. Defaults suit a developer machine with Azurite.</summary>
public sealed class LocalDurableHostOptions
{
    public DurableBackend Backend { get; set; } = DurableBackend.InMemory;

    /// <summary>Storage connection string for <see cref="DurableBackend.AzureStorage"/>.</summary>
    public string StorageConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>Task hub (3-45 letters and digits, starting with a letter). Different hubs in one account never see each other's work.</summary>
    public string TaskHubName { get; set; } = PipelineInfo.TaskHubName;

    /// <summary>
    /// Identity of this worker in partition leases. Keep it stable across restarts: a new id waits
    /// 20-30 s for the old owner's leases to expire.
    /// </summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}-genmerge";

    /// <summary>How long a dequeued activity message stays invisible; in-flight activities are renewed every third of it.
    /// After a crash their messages reappear this long after the last renewal, and that wait was most of a resume
    /// (30 s of the 43 s that CrashResumeTests' resume took); 15 s halves it and still leaves 10 s of slack for a
    /// renewal delayed by a loaded machine.</summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>As <see cref="WorkItemQueueVisibilityTimeout"/> for orchestration (control-queue) messages.</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest idle back-off between queue polls (the Azure Storage default of 30 s makes local runs sluggish).</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Control-queue partitions; fixed when the task hub is first created. One process needs only one.</summary>
    public int PartitionCount { get; set; } = 1;

    /// <summary>Most activities run at once in this process (each merge activity is CPU/GPU-heavy).</summary>
    public int MaxConcurrentActivities { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>How long disposal waits for the worker to stop before abandoning in-flight work.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Serve no work: the sidecar answers client calls only (start, query, purge) and no worker connects. What a
    /// process uses to submit a run to, or watch one on, a task hub that workers elsewhere serve (`merge --submit`,
    /// `status`, `serve --no-worker`).
    /// </summary>
    public bool ClientOnly { get; set; }

    /// <summary>Port of the in-process gRPC sidecar on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Logging for the sidecar, the backend and the worker; none when null.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Services that orchestrators and activities take in their constructors (e.g. an IArtifactStore).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    internal void Validate()
    {
        string hub = TaskHubName ?? "";
        if (hub.Length is < 3 or > 45 || !char.IsAsciiLetter(hub[0]) || !hub.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException($"Task hub name '{hub}' is invalid: use 3-45 ASCII letters and digits, starting with a letter.", nameof(TaskHubName));
        if (string.IsNullOrWhiteSpace(WorkerId))
            throw new ArgumentException("WorkerId is empty; give a stable name for this machine.", nameof(WorkerId));
        if (Backend == DurableBackend.AzureStorage && string.IsNullOrWhiteSpace(StorageConnectionString))
            throw new ArgumentException("StorageConnectionString is empty; the AzureStorage backend needs one (e.g. 'UseDevelopmentStorage=true').", nameof(StorageConnectionString));
        if (WorkItemQueueVisibilityTimeout < TimeSpan.FromSeconds(2))
            throw new ArgumentOutOfRangeException(nameof(WorkItemQueueVisibilityTimeout), WorkItemQueueVisibilityTimeout, "Use at least 2 s: locks are renewed at a third of it.");
        if (ControlQueueVisibilityTimeout < TimeSpan.FromSeconds(2))
            throw new ArgumentOutOfRangeException(nameof(ControlQueueVisibilityTimeout), ControlQueueVisibilityTimeout, "Use at least 2 s.");
        if (PartitionCount is < 1 or > 16)
            throw new ArgumentOutOfRangeException(nameof(PartitionCount), PartitionCount, "Azure Storage allows 1-16 partitions.");
        if (MaxConcurrentActivities < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentActivities), MaxConcurrentActivities, "At least one activity must be able to run.");
        if (Port is < 0 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Not a TCP port.");
    }
}
