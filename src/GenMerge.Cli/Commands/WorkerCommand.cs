using System.CommandLine;
using GenMerge.Cli.Console;
using GenMerge.Cli.Running;
using GenMerge.Pipeline.Storage;
using GenMerge.Pipeline.Workers;

namespace GenMerge.Cli.Commands;

/// <summary>`genmerge worker`: serve the persistent task hub's merges, sharing the work with other workers.</summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var storage = new Option<string>("--storage")
        {
            Description = "Storage connection string of the task hub and artifacts (e.g. \"UseDevelopmentStorage=true\" for Azurite)", Required = true,
        };
        var opts = new MergeOptions();
        var maxActivities = new Option<int>("--max-activities") { Description = "Activities at once in this worker (they share one torch thread)", DefaultValueFactory = _ => 1 };
        maxActivities.Positive();
        var device = new Option<string?>("--device") { Description = "Torch device of this worker's activities: cpu, cuda or cuda:K (one worker per GPU; default: GENMERGE_DEVICE, else CUDA when available, else cpu)" };
        var workerId = new Option<string?>("--worker-id") { Description = "This worker's id in leases and run records; give a stable one to restart without waiting for its old leases (default: hostname-pid)" };
        var drain = new Option<int>("--drain-timeout") { Description = "Seconds Ctrl+C / SIGTERM waits for the running activity before giving it back to the task hub", DefaultValueFactory = _ => 60 };
        drain.NonNegative();
        var cmd = new Command("worker", "Run merges submitted to the task hub (`merge --submit`), sharing the work with every other worker on it; Ctrl+C drains and exits")
        {
            storage, opts.TaskHub, maxActivities, device, workerId, drain,
        };
        // Synchronous on purpose: System.CommandLine ends async actions 2 s after Ctrl+C, and a drain may take longer.
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            var conn = p.GetValue(storage)!;
            if (!ArtifactStores.IsConnectionString(conn))
                throw new ArgumentException("--storage: a worker needs a Storage connection string (e.g. \"UseDevelopmentStorage=true\"): the task hub lives in its queues and tables");
            if (p.GetValue(device) is { } dev)
            {
                // Before anything reads Device.Default: activities take their device from it.
                Environment.SetEnvironmentVariable("GENMERGE_DEVICE", dev);
                if (Core.Device.Problem(dev) is { } problem) throw new ArgumentException($"--device: {problem}");
            }
            var id = p.GetValue(workerId) is { Length: > 0 } given ? given : WorkerIdentity.DefaultId();
            var launcher = new MergeLauncher(conn, MergeLauncher.DefaultWorkDir, p.GetValue(opts.TaskHub));
            return new WorkerLauncher(launcher, conn, id, Core.Device.Describe(), p.GetValue(maxActivities), TimeSpan.FromSeconds(p.GetValue(drain)))
                .RunAsync().GetAwaiter().GetResult();
        }));
        return cmd;
    }
}
