using GenMerge.Pipeline.Orchestration;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using GenMerge.SelfHosted;

namespace GenMerge.Functions.Tests.Support;

/// <summary>
/// The in-process Durable host with a stand-in registered under the real name: "MergeOrchestrator"
/// reports stage "rooting" with one job's progress (as the real one does) and waits for the event
/// "finish" ("ok" completes, "fail" throws). No training runs, so the HTTP and blob functions are
/// tested in milliseconds.
/// </summary>
public sealed class FakeMergeHost : IAsyncLifetime
{
    public const string FinishEvent = "finish";
    public const string FailureMessage = "models[1].uri: checkpoint is broken";

    LocalDurableHost? host;

    public DurableTaskClient Client => host!.Client;

    public async Task InitializeAsync()
    {
        host = await LocalDurableHost.StartAsync(r =>
        {
            r.AddOrchestratorFunc<MergeRunInput, MergeRunResult>(nameof(MergeOrchestrator), async (ctx, input) =>
            {
                ctx.SetCustomStatus(new MergeProgress
                {
                    Stage = "rooting",
                    Jobs = new Dictionary<string, JobProgress> { ["rooted/b"] = new(5, input.Request.Settings.RootingSteps, 0.5, 0.7) },
                    EtaSeconds = 12,
                });
                string how = await ctx.WaitForExternalEvent<string>(FinishEvent);
                if (how == "fail") throw new InvalidOperationException(FailureMessage);
                ctx.SetCustomStatus(new MergeProgress { Stage = "done" });
                string root = $"runs/{input.RunId}";
                return new MergeRunResult(input.RunId, $"{root}/merged.safetensors", $"{root}/report.json", $"{root}/report.md");
            });
        });
    }

    /// <summary>Completes (or fails) the run's fake training job, and so the run.</summary>
    public Task FinishAsync(string runId, bool fail = false) =>
        Client.RaiseEventAsync(runId, FinishEvent, fail ? "fail" : "ok");

    /// <summary>Waits until the run has published its training progress (it is then mid-"rooting").</summary>
    public async Task WaitRunningAsync(string runId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var run = await Client.GetInstanceAsync(runId, getInputsAndOutputs: true);
            if (run is { RuntimeStatus: OrchestrationRuntimeStatus.Running, SerializedCustomStatus: not null }) return;
            await Task.Delay(20);
        }
        throw new TimeoutException($"run {runId} did not reach its training job within 15 s");
    }

    public async Task<OrchestrationMetadata> WaitFinishedAsync(string runId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await Client.WaitForInstanceCompletionAsync(runId, getInputsAndOutputs: true, cts.Token);
    }

    public async Task<int> CountInstancesAsync()
    {
        int n = 0;
        await foreach (var _ in Client.GetAllInstancesAsync(new OrchestrationQuery())) n++;
        return n;
    }

    public async Task DisposeAsync()
    {
        if (host is not null) await host.DisposeAsync();
    }
}
