using System.CommandLine;
using GenMerge.Cli.Console;

namespace GenMerge.Cli.Commands;

/// <summary>`genmerge resume RUN_ID`: continue an interrupted merge from its last finished segment.</summary>
public static class ResumeCommand
{
    public static Command Create()
    {
        var runId = new Argument<string>("RUN_ID") { Description = "The id `genmerge merge` printed" };
        var outDir = CommonOptions.Out("Folder for the results", required: false);
        var opts = new MergeOptions();
        var cmd = new Command("resume", "Continue an interrupted merge (same --storage / --work as the original run)") { runId, outDir, opts.Storage, opts.TaskHub, opts.Submit, opts.Work };
        cmd.SetAction((p, ct) => CliErrors.GuardAsync(async () =>
        {
            opts.CheckSubmit(p);
            var id = p.GetValue(runId)!;
            var launcher = opts.Launcher(p);
            System.Console.WriteLine($"run id: {id} (resuming)");
            if (p.GetValue(opts.Submit))
            {
                // A run the workers finished is exported here (with --out); anything else is left to them.
                var state = await launcher.SubmitAsync(id, null, ct);
                return state.State == "Completed" && p.GetValue(outDir) is { } dir ? await MergeCommand.Finish(launcher, state, dir) : 0;
            }
            var status = await launcher.RunAsync(id, null, ct);
            return await MergeCommand.Finish(launcher, status, p.GetValue(outDir) ?? Path.Combine("genmerge-runs", id));
        }));
        return cmd;
    }
}
