using GenMerge.Pipeline;
using System.Text.Json;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Runs;
using GenMerge.Pipeline.Requests;
using GenMerge.Pipeline.Storage;
using GenMerge.Pipeline.Workers;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenMerge.SelfHosted;

/// <summary>
/// Runs <see cref="MergeOrchestrator"/> in this process: the in-memory Durable backend with any
/// store, or the persistent Azure Storage task hub (Azurite or Azure) when a connection string is
/// given, so that a killed process can be resumed. Progress is mirrored to runs/{id}/status.json.
/// On a persistent task hub a run can also be submitted for `genmerge worker` processes to run
/// (<see cref="SubmitAsync"/>); this process then takes none of its work.
/// </summary>
public sealed class LocalMergeRunner(IArtifactStore store, string? durableConnection, ILoggerFactory? loggers = null, string? taskHub = null)
{
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);

    /// <summary>The in-process worker's id (its leases and the runs' worker records): stable across restarts, as leases want.</summary>
    public static string InProcessWorkerId => $"{Environment.MachineName}-genmerge";

    public DurableBackend Backend => durableConnection is null ? DurableBackend.InMemory : DurableBackend.AzureStorage;

    /// <summary>The task hub: the given name, else GENMERGE_TASKHUB, else the default (one per user; the variable keeps tests and users apart).</summary>
    public string TaskHubName { get; } = taskHub is { Length: > 0 } ? taskHub
        : Environment.GetEnvironmentVariable("GENMERGE_TASKHUB") is { Length: > 0 } hub ? hub : PipelineInfo.TaskHubName;

    /// <summary>Starts a new run (or continues one with the same id) and waits for it.</summary>
    public async Task<RunStatus> RunAsync(string runId, MergeRequest request, Action<RunStatus>? onProgress = null, CancellationToken ct = default)
    {
        request.Validate();
        await using var host = await StartHostAsync(clientOnly: false, ct);
        await new MergeClient(host.Client).StartAsync(runId, request, restartUnsuccessful: true, ct);
        return await WaitAsync(host.Client, runId, onProgress, ct);
    }

    /// <summary>
    /// Starts the run on the persistent task hub (or continues it: a failed or terminated one starts again and reuses
    /// what it had written) without running any of it here, and returns its state. Workers on the hub run it.
    /// </summary>
    public async Task<RunStatus> SubmitAsync(string runId, MergeRequest? request = null, CancellationToken ct = default)
    {
        if (Backend != DurableBackend.AzureStorage)
            throw new ArgumentException("--submit: needs --storage with a Storage connection string (the task hub the workers serve)");
        request ??= await ReadRequestAsync(runId, ct);
        request.Validate();
        await using var host = await StartHostAsync(clientOnly: true, ct);
        await new MergeClient(host.Client).StartAsync(runId, request, restartUnsuccessful: true, ct);
        return await QueryAsync(host.Client, runId, ct) ?? throw new InvalidOperationException($"run {runId}: submitted but not found on task hub {TaskHubName}");
    }

    /// <summary>
    /// Continues a run after its process died: a persistent task hub picks up where its history
    /// ends; otherwise the orchestration is started again from request.json and its idempotent
    /// activities reuse every shard and segment already written.
    /// </summary>
    public async Task<RunStatus> ResumeAsync(string runId, Action<RunStatus>? onProgress = null, CancellationToken ct = default) =>
        await RunAsync(runId, await ReadRequestAsync(runId, ct), onProgress, ct);

    async Task<MergeRequest> ReadRequestAsync(string runId, CancellationToken ct)
    {
        var run = new RunArtifacts(store, runId);
        if (!await store.ExistsAsync(run.Request, ct))
            throw new ArgumentException($"run id: no run '{runId}' in {store.Description} (no {run.Request})");
        return MergeRequest.Parse(await store.ReadTextAsync(run.Request, ct));
    }

    /// <summary>The last known status: from the task hub when persistent, else from status.json.</summary>
    public async Task<RunStatus> StatusAsync(string runId, CancellationToken ct = default)
    {
        if (Backend == DurableBackend.AzureStorage)
        {
            // Client only: a status query must not take a share of the hub's work.
            await using var host = await StartHostAsync(clientOnly: true, ct);
            var s = await QueryAsync(host.Client, runId, ct);
            if (s is not null) return s;
        }
        var run = new RunArtifacts(store, runId);
        if (await store.ExistsAsync(run.Status, ct))
            return await store.ReadJsonAsync<RunStatus>(run.Status, cancellationToken: ct);
        if (await store.ExistsAsync(run.Request, ct))
            return new RunStatus { RunId = runId, State = "Interrupted", UpdatedUtc = DateTimeOffset.UtcNow };
        throw new ArgumentException($"run id: no run '{runId}' in {store.Description}");
    }

    async Task<LocalDurableHost> StartHostAsync(bool clientOnly, CancellationToken ct) =>
        await LocalDurableHost.StartAsync(r => r.AddGenMergeTasks(new WorkerIdentity(InProcessWorkerId)), new LocalDurableHostOptions
        {
            Backend = Backend,
            TaskHubName = TaskHubName,
            StorageConnectionString = durableConnection ?? "",
            WorkerId = InProcessWorkerId,
            ClientOnly = clientOnly,
            LoggerFactory = loggers,
            ConfigureServices = services => services.AddSingleton(store),
        }, ct);

    async Task<RunStatus> WaitAsync(DurableTaskClient client, string runId, Action<RunStatus>? onProgress, CancellationToken ct)
    {
        var run = new RunArtifacts(store, runId);
        string? lastJson = null;
        while (true)
        {
            var status = await QueryAsync(client, runId, ct)
                         ?? throw new InvalidOperationException($"run {runId}: the orchestration disappeared");
            var json = JsonSerializer.Serialize(status with { UpdatedUtc = default });
            if (json != lastJson)
            {
                lastJson = json;
                await store.WriteJsonAsync(run.Status, status, cancellationToken: ct);
                onProgress?.Invoke(status);
            }
            if (status.State is "Completed" or "Failed" or "Terminated") return status;
            await Task.Delay(PollEvery, ct);
        }
    }

    /// <summary>Status of the run, with its training jobs' progress.</summary>
    static async Task<RunStatus?> QueryAsync(DurableTaskClient client, string runId, CancellationToken ct) =>
        await new MergeClient(client).GetAsync(runId, ct) is { } state ? RunStatus.From(state) : null;
}
