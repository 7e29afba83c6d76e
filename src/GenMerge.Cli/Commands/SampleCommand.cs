using System.CommandLine;
using GenMerge.Cli.Console;
using GenMerge.Core;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Imaging;

namespace GenMerge.Cli.Commands;

/// <summary>`genmerge sample`: a grid of G_ema samples.</summary>
public static class SampleCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var cls = CommonOptions.Class();
        var n = CommonOptions.Count(64);
        n.Positive();
        var seed = CommonOptions.Seed();
        var psi = new Option<double>("--psi") { Description = "Truncation psi (1: none; stylegan2 only)", DefaultValueFactory = _ => 1.0 };
        var outFile = CommonOptions.Out("PNG grid to write");
        var cmd = new Command("sample", "Write a grid of samples from a checkpoint") { model, cls, n, seed, psi, outFile };
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            using var m = Checkpoint.Load(p.GetValue(model)!.FullName, Device.Default);
            using var images = Sampling.Sample(m.GEma, p.GetValue(n), p.GetValue(seed), p.GetValue(cls), p.GetValue(psi));
            var path = p.GetValue(outFile)!;
            ImageGrid.Save(images, path);
            System.Console.WriteLine($"wrote {path} ({images.shape[0]} images)");
            return 0;
        }));
        return cmd;
    }
}
