using GenMerge.Core;
using System.CommandLine;
using GenMerge.Cli.Console;
using GenMerge.Cli.Running;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Data;
using GenMerge.Core.Models;
using GenMerge.Core.Training;
using GenMerge.Pipeline.Runs;
using GenMerge.Core.Merging;
using GenMerge.Pipeline.Requests;

namespace GenMerge.Cli.Commands;

/// <summary>Budgets of `genmerge demo`, sized for the 2-core CPU machine (see README for timings).</summary>
public sealed record DemoProfile(string Family, int Resolution, int SourceSteps, MergeSettings Merge, string[] Domains)
{
    public static DemoProfile Full => new(ModelConfig.Compact, 32, 1500, new MergeSettings
    {
        RootingSteps = 200, MergeSteps = 400, SegmentSteps = 100, SamplesPerModel = 2048, ShardSize = 1024, EvalSamples = 200,
    }, new[] { "rings", "squares" });

    public static DemoProfile Quick => new(ModelConfig.Compact, 16, 300, new MergeSettings
    {
        RootingSteps = 60, MergeSteps = 100, SegmentSteps = 40, BatchSize = 32, SamplesPerModel = 512, ShardSize = 256, EvalSamples = 100,
    }, new[] { "rings", "squares" });
}

/// <summary>
/// `genmerge demo`: trains two source models on built-in domains (cached for the next run), merges
/// them with GAN Cocktail through the in-process Durable host, evaluates, and says where to look.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var outDir = new Option<string>("--out") { Description = "Folder for the demo's results", DefaultValueFactory = _ => "genmerge-demo" };
        var quick = new Option<bool>("--quick") { Description = "A smaller, faster demo (16x16, few steps)" };
        var opts = new MergeOptions();
        var cmd = new Command("demo", "Train two small source models on built-in domains, merge them, evaluate") { outDir, quick, opts.Storage, opts.Work, opts.Method, opts.Seed };
        cmd.SetAction((p, ct) => CliErrors.GuardAsync(async () =>
        {
            var profile = p.GetValue(quick) ? DemoProfile.Quick : DemoProfile.Full;
            var work = p.GetValue(opts.Work)!;
            var seed = p.GetValue(opts.Seed);
            var output = p.GetValue(outDir)!;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // On the torch thread, where the merge's activities will run too: one OpenMP team per process.
            var sources = profile.Domains.Select(d => TorchThread.Run(() => TrainSource(profile, d, seed, work, output))).ToList();

            var runId = RunIds.New();
            System.Console.WriteLine($"run id: {runId}");
            var launcher = opts.Launcher(p);
            var request = await launcher.PrepareAsync(runId, sources, profile.Domains,
                profile.Merge with { Method = p.GetValue(opts.Method)!, Seed = seed });
            var status = await launcher.RunAsync(runId, request, ct);
            var code = await MergeCommand.Finish(launcher, status, output);
            System.Console.WriteLine($"demo took {clock.Elapsed:mm\\:ss}. Look at {Path.Combine(output, "report.md")} and the PNGs in {Path.Combine(output, "grids")}.");
            return code;
        }));
        return cmd;
    }

    /// <summary>Trains (or reuses from the cache) one unconditional source model on a built-in domain.</summary>
    static string TrainSource(DemoProfile profile, string domain, long seed, string work, string output)
    {
        var cache = Path.Combine(work, "cache", $"{profile.Family}-{domain}-{profile.Resolution}px-{profile.SourceSteps}steps-seed{seed}.safetensors");
        if (File.Exists(cache))
        {
            try
            {
                Checkpoint.ReadInfo(cache);
                System.Console.WriteLine($"source {domain}: reusing {cache}");
                return cache;
            }
            catch (CheckpointException e)
            {
                System.Console.WriteLine($"source {domain}: cached file unusable ({e.Problem}); training again");
            }
        }
        var res = profile.Resolution;
        var opts = new TrainOptions
        {
            Steps = profile.SourceSteps, BatchSize = profile.Merge.BatchSize, Seed = seed,
            R1Gamma = TrainOptions.HeuristicGamma(res, profile.Merge.BatchSize),
        };
        var source = ProceduralDomain.Create(domain, res, seed);
        using var model = GanModel.Create(ModelConfig.Default(profile.Family, res), seed);
        model.Provenance = model.Provenance with { Kind = "train", Seed = seed, Data = source.Name };
        var run = new TrainRunOutput(cache, SnapshotEvery: 0, GridSamples: 64);
        ProgressView.Run($"train source {domain}", opts.Steps, report =>
            TrainingRun.Run(model, new UnconditionalData(source), opts, run, pr => report(pr.Step, pr.Describe())));
        var grid = Path.Combine(output, "grids", $"source-{domain}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(grid)!);
        File.Copy(run.GridPath(model.Provenance.Steps), grid, overwrite: true);
        System.Console.WriteLine($"source {domain}: trained {opts.Steps} steps, samples in {grid}");
        return cache;
    }
}
