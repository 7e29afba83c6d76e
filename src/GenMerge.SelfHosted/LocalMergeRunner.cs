using GenMerge.Pipeline;
using System.Text.Json;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Runs;
using GenMerge.Pipeline.Requests;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenMerge.SelfHosted;

/// <summary>
/// Runs <see cref="MergeOrchestrator"/> in this process: the in-memory Durable backend with any
/// store, or the persistent Azure Storage task hub (Azurite or Azure) when a connection string is
/// given, so that a killed process can be resumed. Progress is mirrored to runs/{id}/status.json.
/// </summary>
public sealed class LocalMergeRunner(IArtifactStore store, string? durableConnection, ILoggerFactory? loggers = null)
{
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);

    public DurableBackend Backend => durableConnection is null ? DurableBackend.InMemory : DurableBackend.AzureStorage;

    /// <summary>Starts a new run (or continues one with the same id) and waits for it.</summary>
    public async Task<RunStatus> RunAsync(string runId, MergeRequest request, Action<RunStatus>? onProgress = null, CancellationToken ct = default)
    {
        request.Validate();
        await using var host = await StartHostAsync(ct);
        await new MergeClient(host.Client).StartAsync(runId, request, restartUnsuccessful: true, ct);
        return await WaitAsync(host.Client, runId, onProgress, ct);
    }

    /// <summary>
    /// Continues a run after its process died: a persistent task hub picks up where its history
    /// ends; otherwise the orchestration is started again from request.json and its idempotent
    /// activities reuse every shard and segment already written.
    /// </summary>
    public async Task<RunStatus> ResumeAsync(string runId, Action<RunStatus>? onProgress = null, CancellationToken ct = default)
    {
        var run = new RunArtifacts(store, runId);
        if (!await store.ExistsAsync(run.Request, ct))
            throw new ArgumentException($"run id: no run '{runId}' in {store.Description} (no {run.Request})");
        var request = MergeRequest.Parse(await store.ReadTextAsync(run.Request, ct));
        return await RunAsync(runId, request, onProgress, ct);
    }

    /// <summary>The last known status: from the task hub when persistent, else from status.json.</summary>
    public async Task<RunStatus> StatusAsync(string runId, CancellationToken ct = default)
    {
        if (Backend == DurableBackend.AzureStorage)
        {
            await using var host = await StartHostAsync(ct);
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

    async Task<LocalDurableHost> StartHostAsync(CancellationToken ct) =>
        await LocalDurableHost.StartAsync(r => r.AddGenMergeTasks(), new LocalDurableHostOptions
        {
            Backend = Backend,
            // One task hub per user by default; GENMERGE_TASKHUB keeps separate runs (tests, users) apart.
            TaskHubName = Environment.GetEnvironmentVariable("GENMERGE_TASKHUB") is { Length: > 0 } hub ? hub : PipelineInfo.TaskHubName,
            StorageConnectionString = durableConnection ?? "",
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
