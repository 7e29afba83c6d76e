using System.CommandLine;
using GenMerge.Cli.Console;
using GenMerge.Cli.Running;
using GenMerge.Core.Evaluation;
using GenMerge.Pipeline.Runs;
using GenMerge.Core.Merging;
using GenMerge.Pipeline.Requests;

namespace GenMerge.Cli.Commands;

/// <summary>`genmerge merge`: the whole GAN Cocktail pipeline through the in-process Durable host.</summary>
public static class MergeCommand
{
    public static Command Create()
    {
        var models = new Option<FileInfo[]>("--model") { Description = "Source checkpoint (repeat, 2 or more; a K-class model, e.g. an earlier merge, brings its K classes)", Required = true, AllowMultipleArgumentsPerToken = false }
            .ExistingFiles();
        var names = new Option<string[]>("--name") { Description = "Name per --model: its class name (a K-class model keeps its stored class names; default: its training domain or file name)" };
        var outDir = CommonOptions.Out("Folder for merged.safetensors, report.json, report.md and grids (not with --submit)", required: false);
        var opts = new MergeOptions();
        var cmd = new Command("merge", "Merge source models into one class-conditional model and evaluate it") { models, names, outDir, opts.Submit };
        foreach (var o in opts.All) cmd.Options.Add(o);
        // --out is what a merge run here produces; a submitted run's results stay in the store until fetched.
        cmd.Validators.Add(r =>
        {
            if (r.GetResult(outDir) is null && r.GetResult(opts.Submit) is null) r.AddError("Option '--out' is required.");
        });
        cmd.SetAction((p, ct) => CliErrors.GuardAsync(async () =>
        {
            opts.CheckSubmit(p);
            var runId = RunIds.New();
            System.Console.WriteLine($"run id: {runId}");
            var launcher = opts.Launcher(p);
            var request = await launcher.PrepareAsync(runId, p.GetValue(models)!.Select(f => f.FullName).ToList(),
                p.GetValue(names), opts.Settings(p, MergeSettings.Defaults));
            System.Console.WriteLine($"store: {launcher.Store.Description}; durable: {launcher.Runner.Backend}");
            if (p.GetValue(opts.Submit)) { await launcher.SubmitAsync(runId, request, ct); return 0; }
            var status = await launcher.RunAsync(runId, request, ct);
            return await Finish(launcher, status, p.GetValue(outDir)!);
        }));
        return cmd;
    }

    /// <summary>Exports a finished run and prints its report; a failed run exits 1 with the reason.</summary>
    public static async Task<int> Finish(MergeLauncher launcher, RunStatus status, string outDir)
    {
        if (status.State != "Completed")
        {
            System.Console.Error.WriteLine($"genmerge: run {status.RunId} {status.State}: {status.Failure}");
            return 1;
        }
        var files = await launcher.ExportAsync(status.RunId, outDir);
        var reportPath = Path.Combine(outDir, "report.json");
        if (File.Exists(reportPath))
        {
            var report = MergeReport.FromJson(await File.ReadAllTextAsync(reportPath));
            System.Console.WriteLine();
            System.Console.WriteLine(report.ToMarkdown());
        }
        System.Console.WriteLine($"Completed. Wrote {files.Count} files to {Path.GetFullPath(outDir)}:");
        foreach (var f in files) System.Console.WriteLine($"  {f}");
        return 0;
    }
}
