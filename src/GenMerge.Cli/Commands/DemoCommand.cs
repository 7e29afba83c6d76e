using GenMerge.Core;
using System.CommandLine;
using GenMerge.Cli.Console;
using GenMerge.Cli.Demo;
using GenMerge.Cli.Running;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Data;
using GenMerge.Core.Models;
using GenMerge.Core.Training;
using GenMerge.Pipeline.Runs;
using GenMerge.Core.Merging;
using GenMerge.Pipeline.Requests;

namespace GenMerge.Cli.Commands;

/// <summary>
/// `genmerge demo`: merges shipped pretrained emoji models (or, with --train-sources, first trains two sources on
/// built-in procedural domains) by the recipe of its <see cref="DemoProfile"/> through the in-process Durable host, evaluates, and says where to look.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var outDir = new Option<string>("--out") { Description = "Folder for the demo's results", DefaultValueFactory = _ => "genmerge-demo" };
        var quick = new Option<bool>("--quick") { Description = "A token budget: the whole path in about a minute (rough results)" };
        var trainSources = new Option<bool>("--train-sources")
        {
            Description = "Train two source models on built-in procedural domains first (rings, squares; minutes), instead of merging shipped models",
        };
        var domains = new Option<string[]>("--domains")
        {
            Description = $"Shipped models to merge (default {string.Join(",", DemoProfile.Shipped.Domains)}; shipped: {string.Join(", ", ShippedModels.Domains)})",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = r => r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
        };
        var opts = new MergeOptions();
        var cmd = new Command("demo", "Merge shipped pretrained emoji GANs (or train two procedural ones first), evaluate, write a report and pictures")
        {
            outDir, quick, trainSources, domains,
        };
        foreach (var o in opts.All) cmd.Options.Add(o);
        cmd.SetAction((p, ct) => CliErrors.GuardAsync(async () =>
        {
            var train = p.GetValue(trainSources);
            var profile = DemoProfile.For(train, p.GetValue(quick));
            if (p.GetValue(domains) is { Length: > 0 } picked)
            {
                if (train) throw new UserError("--domains picks shipped models; leave it out with --train-sources");
                if (picked.Length < 2) throw new UserError($"--domains: a merge needs at least two models, got {picked.Length}");
                profile = profile with { Domains = picked };
            }
            var work = p.GetValue(opts.Work)!;
            var seed = p.GetValue(opts.Seed);
            var output = p.GetValue(outDir)!;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var sources = profile.Train is { } t
                // On the torch thread, where the merge's activities will run too: one OpenMP team per process.
                ? profile.Domains.Select(d => TorchThread.Run(() => TrainSource(t, profile.Merge.BatchSize, d, seed, work, output))).ToList()
                : profile.Domains.Select(Shipped).ToList();

            var runId = RunIds.New();
            System.Console.WriteLine($"run id: {runId}");
            var launcher = opts.Launcher(p);
            MergeRequest request;
            try
            {
                request = await launcher.PrepareAsync(runId, sources, profile.Domains, opts.Settings(p, profile.Merge));
            }
            catch (CheckpointException e) when (ShippedModels.Unusable(e) is { } shipped)
            {
                throw shipped;
            }
            var status = await launcher.RunAsync(runId, request, ct);
            var code = await MergeCommand.Finish(launcher, status, output);
            if (code == 0)
                System.Console.WriteLine($"demo took {clock.Elapsed:mm\\:ss}. Look at {Path.Combine(output, "report.md")}, " +
                                         $"{Path.Combine(output, "grids", "side-by-side.png")} (each source above the merged model) and the other PNGs in {Path.Combine(output, "grids")}.");
            return code;
        }));
        return cmd;
    }

    /// <summary>A shipped model, checked; says what its domain is evaluated against (the real emoji images if cached).</summary>
    static string Shipped(string domain)
    {
        var path = ShippedModels.Resolve(domain);
        var root = EmojiDomains.DefaultRoot(MergeLauncher.DefaultWorkDir);
        System.Console.WriteLine(EmojiDomains.TryFolder(domain, root) is { } folder
            ? $"source {domain}: {path}, evaluated against the real emoji images in {folder}"
            : $"source {domain}: {path}; no emoji images in {Path.Combine(root, domain)}, so evaluated against held-out samples of the source instead ({EmojiDomains.SetupHint})");
        return path;
    }

    /// <summary>Trains (or reuses from the cache) one unconditional source model on a built-in domain.</summary>
    static string TrainSource(SourceTraining profile, int batch, string domain, long seed, string work, string output)
    {
        var cache = Path.Combine(work, "cache", $"{profile.Family}-{domain}-{profile.Resolution}px-{profile.Steps}steps-seed{seed}.safetensors");
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
            Steps = profile.Steps, BatchSize = batch, Seed = seed,
            R1Gamma = TrainOptions.HeuristicGamma(res, batch),
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
