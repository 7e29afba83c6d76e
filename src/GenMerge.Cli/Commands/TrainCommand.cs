using System.CommandLine;
using GenMerge.Cli.Console;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Data;
using GenMerge.Core.Models;
using GenMerge.Core.Training;

namespace GenMerge.Cli.Commands;

/// <summary>`genmerge train`: trains one unconditional source model on a built-in domain or an image folder.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var family = new Option<string>("--family") { Description = "Model family", DefaultValueFactory = _ => ModelConfig.Compact }
            .AcceptOnlyFromAmong(ModelConfig.Compact, ModelConfig.StyleGan2);
        var source = new ImageSourceOptions();
        var resolution = new Option<int>("--resolution") { Description = "Image size in pixels (power of two)", DefaultValueFactory = _ => 32 };
        var steps = new Option<int>("--steps") { Description = "Total training steps", DefaultValueFactory = _ => TrainDefaults.Steps };
        steps.NonNegative();
        var seed = CommonOptions.Seed();
        var outFile = CommonOptions.Out("Checkpoint to write (.safetensors); snapshots overwrite it");
        var batch = new Option<int>("--batch") { Description = "Batch size", DefaultValueFactory = _ => 32 };
        batch.Positive();
        var lr = new Option<double>("--lr") { Description = "Adam learning rate (G and D)", DefaultValueFactory = _ => 0.002 };
        var gamma = CommonOptions.Gamma();
        var aug = CommonOptions.Aug();
        var augP = CommonOptions.AugP();
        var augTarget = CommonOptions.AugTarget();
        var augPipe = CommonOptions.AugPipe();
        var snapshot = new Option<int>("--snapshot-every") { Description = "Steps between snapshots (checkpoint, optimiser state, sample grid); 0: only at the end", DefaultValueFactory = _ => 500 };
        snapshot.NonNegative();
        var channelBase = new Option<int?>("--channel-base")
        {
            Description = "Network width (channel_base): compact: channels at full resolution, doubling per halving (default 16); stylegan2: channels at r = base / r (default 2048); both capped at 128",
        };
        channelBase.Positive();
        var resume = new Option<FileInfo>("--resume") { Description = "Continue from a snapshot checkpoint up to --steps in total" }.ExistingFile();

        var cmd = new Command("train", "Train an unconditional source model on one domain")
        {
            family, resolution, steps, seed, outFile, batch, lr, gamma, aug, augP, augTarget, augPipe, snapshot, channelBase, resume,
        };
        source.AddTo(cmd);
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            int res = p.GetValue(resolution), b = p.GetValue(batch);
            var opts = new TrainOptions
            {
                Steps = p.GetValue(steps), BatchSize = b, LrG = p.GetValue(lr), LrD = p.GetValue(lr),
                R1Gamma = p.GetValue(gamma) ?? TrainOptions.HeuristicGamma(res, b), Seed = p.GetValue(seed),
                Augment = p.GetValue(aug) ?? AugmentModes.NoAug, AugmentP = p.GetValue(augP) ?? 0, AdaTarget = p.GetValue(augTarget) ?? AugmentModes.DefaultTarget,
                AugmentPipe = p.GetValue(augPipe) ?? AugmentPipes.Blit,
            }.Validate();
            var images = source.Create(p, res, opts.Seed);
            var outPath = p.GetValue(outFile)!;
            GanModel model;
            if (p.GetValue(resume) is { } from)
            {
                model = GenMerge.Core.Interop.ModelFiles.Open(from.FullName, GenMerge.Core.Device.Default);
                if (model.Config.Resolution != res)
                    throw new UserError($"--resume: {from.Name} is a {model.Config.Resolution}px model, but --resolution is {res}");
                if (p.GetValue(channelBase) is { } cbr && cbr != model.Config.ChannelBase)
                    throw new UserError($"--resume: {from.Name} has channel_base {model.Config.ChannelBase}, but --channel-base is {cbr}");
                System.Console.WriteLine($"resuming {from.Name} at step {model.Provenance.Steps}");
            }
            else
            {
                var config = ModelConfig.Default(p.GetValue(family)!, res);
                if (p.GetValue(channelBase) is { } cb) config = (config with { ChannelBase = cb }).Validate();
                model = GanModel.Create(config, opts.Seed);
            }
            using (model)
            {
                System.Console.WriteLine($"computing on {GenMerge.Core.Device.Describe()}");
                model.Provenance = model.Provenance with { Kind = "train", Seed = opts.Seed, Data = images.Name };
                var output = new TrainRunOutput(outPath, p.GetValue(snapshot));
                if (p.GetValue(resume) is { } r2 && Path.GetFullPath(r2.FullName) != Path.GetFullPath(outPath) && File.Exists(r2.FullName + ".optim"))
                    File.Copy(r2.FullName + ".optim", output.OptimizerPath, overwrite: true);
                ProgressView.Run($"train {model.Config.Family} on {images.Name}", opts.Steps, report =>
                    TrainingRun.Run(model, new UnconditionalData(images), opts, output,
                        pr => report(pr.Step, pr.Describe()), resumeOptimizer: p.GetValue(resume) is not null));
                System.Console.WriteLine($"wrote {outPath} (step {model.Provenance.Steps}); samples in {output.GridDir}");
            }
            return 0;
        }));
        return cmd;
    }
}

/// <summary>Training defaults chosen for the 2-core CPU machine (see bench/).</summary>
public static class TrainDefaults
{
    public const int Steps = 2000;
}
