using System.CommandLine;
using GenMerge.Cli.Console;
using GenMerge.Core;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Evaluation;
using GenMerge.Core.Imaging;
using GenMerge.Core.Interop;
using GenMerge.Core.Models;
using GenMerge.Core.Models.StyleGan2;
using TorchSharp;

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
        var zFile = new Option<FileInfo?>("--z") { Description = "Raw check: latents from a .npy (float32 [N, z_dim]); writes the images as float32 .npy [N, C, H, W], unclamped" }.ExistingFile();
        var noise = new Option<string>("--noise") { Description = "Noise for --z (stylegan2): const (the stored noise buffers), random or none", DefaultValueFactory = _ => NoiseModes.Const }
            .AcceptOnlyFromAmong(NoiseModes.Random, NoiseModes.Const, NoiseModes.None);
        var outFile = CommonOptions.Out("PNG grid to write (.npy with --z)");
        var cmd = new Command("sample", "Write a grid of samples from a checkpoint") { model, cls, n, seed, psi, mix, mixFrom, zFile, noise, outFile };
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            using var m = ModelFiles.Open(p.GetValue(model)!.FullName, Device.Default);
            if (p.GetValue(zFile) is { } zf)
            {
                using var z = Npy.Read(zf.FullName);
                using var raw = Raw(m, z, p.GetValue(cls), p.GetValue(psi), p.GetValue(noise)!);
                Npy.Write(p.GetValue(outFile)!, raw);
                System.Console.WriteLine($"wrote {p.GetValue(outFile)} ([{string.Join(", ", raw.shape)}] float32)");
                return 0;
            }
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

    /// <summary>G_ema(z, one-hot class) with the given noise mode, no clamping: for comparing against other implementations.</summary>
    private static torch.Tensor Raw(GanModel m, torch.Tensor z, int? cls, double psi, string noise)
    {
        if (z.ndim != 2 || z.shape[1] != m.Config.ZDim)
            throw new ArgumentException($"--z: expected float32 [N, {m.Config.ZDim}], found [{string.Join(", ", z.shape)}]");
        if (m.Config.CDim > 0 && cls is null) throw new ArgumentException($"--class: the model is conditional (c_dim {m.Config.CDim}); give a class for --z");
        if (cls is { } k && (k < 0 || k >= Math.Max(m.Config.CDim, 1) || m.Config.CDim == 0))
            throw new ArgumentException($"--class: {k} is not a class of this model (c_dim {m.Config.CDim})");
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var device = m.GEma.parameters().First().device;
        var c = cls is { } kk ? torch.nn.functional.one_hot(torch.full(z.shape[0], kk, torch.ScalarType.Int64), m.Config.CDim).to_type(torch.ScalarType.Float32).to(device) : null;
        var zz = z.to(device);
        torch.Tensor img;
        if (m.GEma is StyleGan2Generator g)
        {
            var before = g.NoiseMode;
            g.NoiseMode = noise;
            try { img = g.forward(zz, c, psi); }
            finally { g.NoiseMode = before; }
        }
        else img = m.GEma.forward(zz, c, psi);
        return img.cpu().MoveToOuterDisposeScope();
    }
}
