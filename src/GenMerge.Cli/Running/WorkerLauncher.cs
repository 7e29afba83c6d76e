using System.Runtime.InteropServices;
using GenMerge.Pipeline.Workers;
using GenMerge.SelfHosted;

namespace GenMerge.Cli.Running;

/// <summary>
/// Runs one <see cref="WorkerHost"/> until Ctrl+C / SIGTERM, printing a line when ready and one per activity started
/// and finished. The first signal drains (no new work; the running activity may finish within the drain timeout,
/// else it is given back to the task hub) and exits 0; a second one ends the process at once.
/// </summary>
public sealed class WorkerLauncher(MergeLauncher launcher, string connection, string workerId, string compute, int maxActivities, TimeSpan drainTimeout)
{
    public async Task<int> RunAsync()
    {
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext c)
        {
            // First signal: drain, so keep the process. A second one gets the default (the process ends).
            if (stop.Task.IsCompleted) return;
            Say($"draining: no new work; waiting up to {drainTimeout.TotalSeconds:F0} s for the running activity (Ctrl+C again to stop at once)");
            c.Cancel = stop.TrySetResult();
        }
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        await using var worker = await WorkerHost.StartAsync(new WorkerHostOptions
        {
            StorageConnectionString = connection,
            Store = launcher.Store,
            TaskHubName = launcher.Runner.TaskHubName,
            WorkerId = workerId,
            MaxConcurrentActivities = maxActivities,
            OnActivity = e => Say(e.Describe()),
            LoggerFactory = MergeLauncher.Loggers(),
        });
        Say($"ready: task hub {worker.TaskHubName}, store {launcher.Store.Description}, computing on {compute}, up to {maxActivities} activit{(maxActivities == 1 ? "y" : "ies")} at once");
        await stop.Task;
        var drained = await worker.DrainAsync(drainTimeout);
        Say(drained ? "drained; stopping" : $"{worker.ActivitiesInFlight} activit{(worker.ActivitiesInFlight == 1 ? "y" : "ies")} still running: given back to the task hub for another worker");
        await worker.DisposeAsync();
        Say("stopped");
        return 0;
    }

    void Say(string line) => System.Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] worker {workerId}: {line}");
}
