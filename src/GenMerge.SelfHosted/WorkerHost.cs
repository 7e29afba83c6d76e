using GenMerge.Pipeline;
using GenMerge.Pipeline.Storage;
using GenMerge.Pipeline.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenMerge.SelfHosted;

/// <summary>Settings of a <see cref="WorkerHost"/>.</summary>
public sealed class WorkerHostOptions
{
    /// <summary>The Azure Storage (or Azurite) connection string of the task hub; artifacts go to the same account.</summary>
    public required string StorageConnectionString { get; init; }

    /// <summary>Where activities read and write artifacts (a Blob store on the same account, as `genmerge merge --storage` uses).</summary>
    public required IArtifactStore Store { get; init; }

    public string TaskHubName { get; init; } = PipelineInfo.TaskHubName;

    /// <summary>This worker's identity: its partition leases and the runs' worker records. Distinct per process; stable across restarts when given.</summary>
    public string WorkerId { get; init; } = WorkerIdentity.DefaultId();

    /// <summary>Activities at once in this process. They share its one torch thread, so more than one only overlaps their I/O.</summary>
    public int MaxConcurrentActivities { get; init; } = 1;

    /// <summary>Each activity start and end (the CLI prints them).</summary>
    public Action<WorkerActivityEvent>? OnActivity { get; init; }

    public ILoggerFactory? LoggerFactory { get; init; }
}

/// <summary>
/// One worker of the persistent task hub: serves orchestrations and activities of every run on it, sharing the
/// work with any number of other workers (other processes, other machines). The Azure Storage backend balances
/// the control-queue partitions between workers by lease and hands each activity message to one of them; a
/// worker that dies loses its held messages only until their visibility timeout, when another takes them.
/// `genmerge worker` runs one; a host process (e.g. an HTTP server) can run one beside its other work.
/// </summary>
public sealed class WorkerHost : IAsyncDisposable
{
    readonly LocalDurableHost host;

    WorkerHost(LocalDurableHost host, string workerId)
    {
        this.host = host;
        WorkerId = workerId;
    }

    public string WorkerId { get; }
    public string TaskHubName => host.TaskHubName;

    /// <summary>Activities running on this worker now.</summary>
    public int ActivitiesInFlight => host.ActivitiesInFlight;

    public static async Task<WorkerHost> StartAsync(WorkerHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var identity = new WorkerIdentity(options.WorkerId) { OnActivity = options.OnActivity };
        var host = await LocalDurableHost.StartAsync(r => r.AddGenMergeTasks(identity), new LocalDurableHostOptions
        {
            Backend = DurableBackend.AzureStorage,
            StorageConnectionString = options.StorageConnectionString,
            TaskHubName = options.TaskHubName,
            WorkerId = options.WorkerId,
            MaxConcurrentActivities = options.MaxConcurrentActivities,
            LoggerFactory = options.LoggerFactory,
            ConfigureServices = services => services.AddSingleton(options.Store),
        }, cancellationToken);
        return new WorkerHost(host, options.WorkerId);
    }

    /// <summary>Takes no new work and waits up to <paramref name="timeout"/> for the running activities; true when they all finished.</summary>
    public Task<bool> DrainAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => host.DrainAsync(timeout, cancellationToken);

    /// <summary>Stops; activities still running are abandoned, and another worker takes them.</summary>
    public ValueTask DisposeAsync() => host.DisposeAsync();
}
