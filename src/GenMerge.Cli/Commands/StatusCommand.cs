using System.CommandLine;
using GenMerge.Cli.Console;

namespace GenMerge.Cli.Commands;

/// <summary>`genmerge status RUN_ID`: progress, or Completed / Failed (with the reason).</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var runId = new Argument<string>("RUN_ID") { Description = "The id `genmerge merge` printed" };
        var opts = new MergeOptions();
        var cmd = new Command("status", "Show a merge run's progress and final state") { runId, opts.Storage, opts.TaskHub, opts.Work };
        cmd.SetAction((p, ct) => CliErrors.GuardAsync(async () =>
        {
            var status = await opts.Launcher(p).Runner.StatusAsync(p.GetValue(runId)!, ct);
            System.Console.WriteLine(status.Describe());
            return 0;
        }));
        return cmd;
    }
}
