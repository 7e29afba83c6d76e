using System.CommandLine;
using GenMerge.Cli.Console;
using GenMerge.Core;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Evaluation;
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
        var mix = new Option<int?>("--mix")
        {
            Description = "Style mixing (stylegan2, conditional): rows of --class give the coarse styles, columns of this class the fine ones",
        };
        var mixFrom = new Option<int?>("--mix-from") { Description = "First w index taken from the --mix class (default: half of the ws)" };
        var outFile = CommonOptions.Out("PNG grid to write");
        var cmd = new Command("sample", "Write a grid of samples from a checkpoint") { model, cls, n, seed, psi, mix, mixFrom, outFile };
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            using var m = Checkpoint.Load(p.GetValue(model)!.FullName, Device.Default);
            if (p.GetValue(mix) is { } b)
            {
                if (p.GetValue(cls) is not { } a) throw new ArgumentException("--mix: also give --class (the rows' class)");
                int rows = Math.Max(1, (int)Math.Round(Math.Sqrt(p.GetValue(n))));
                using var grid = StyleMixing.Grid(m.GEma, a, b, rows, rows, p.GetValue(seed), p.GetValue(mixFrom), p.GetValue(psi));
                ImageGrid.Save(grid, p.GetValue(outFile)!, columns: rows + 1);
                System.Console.WriteLine($"wrote {p.GetValue(outFile)} (style mixing {rows} x {rows}: coarse from class {a}, fine from class {b})");
                return 0;
            }
            using var images = Sampling.Sample(m.GEma, p.GetValue(n), p.GetValue(seed), p.GetValue(cls), p.GetValue(psi));
            var path = p.GetValue(outFile)!;
            ImageGrid.Save(images, path);
            System.Console.WriteLine($"wrote {path} ({images.shape[0]} images)");
            return 0;
        }));
        return cmd;
    }
}
