using System.CommandLine;
using GenMerge.Cli.Console;
using GenMerge.Core.Imaging;
using GenMerge.Core.Training;
using TorchSharp;

namespace GenMerge.Cli.Commands;

/// <summary>`genmerge augment`: what D sees under an augmentation pipe and p, as a grid (first row: the images as they are).</summary>
public static class AugmentCommand
{
    public static Command Create()
    {
        var source = new ImageSourceOptions();
        var resolution = new Option<int>("--resolution") { Description = "Image size in pixels (power of two)", DefaultValueFactory = _ => 32 };
        var pipe = CommonOptions.AugPipe();
        var prob = new Option<double>("--p") { Description = "Probability of each transform, as --aug fixed --aug-p P", DefaultValueFactory = _ => 0.5 };
        var n = CommonOptions.Count(8);
        n.Positive();
        var rows = new Option<int>("--rows") { Description = "Augmented copies of each image (rows under the originals)", DefaultValueFactory = _ => 4 };
        rows.Positive();
        var seed = CommonOptions.Seed();
        var outFile = CommonOptions.Out("PNG grid to write");
        var cmd = new Command("augment", "Show what D sees under an augmentation pipe: a grid of images and augmented copies")
        {
            resolution, pipe, prob, n, rows, seed, outFile,
        };
        source.AddTo(cmd);
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            double pr = p.GetValue(prob);
            if (!(pr >= 0 && pr <= 1)) throw new UserError($"--p: {pr} must lie in [0, 1]");
            string pipeName = p.GetValue(pipe) ?? AugmentPipes.Blit;
            var images = source.Create(p, p.GetValue(resolution), p.GetValue(seed));
            using var scope = torch.NewDisposeScope();
            var batch = images.NextBatch(p.GetValue(n));
            using var rng = new torch.Generator(unchecked((ulong)p.GetValue(seed)), torch.CPU);
            var all = new List<torch.Tensor> { batch };
            // Colour transforms leave [-1, 1] (D sees that); clamped only to draw.
            for (int r = 0; r < p.GetValue(rows); r++) all.Add(AugmentPipe.Apply(batch, pr, rng, pipeName).clamp(-1, 1));
            var path = p.GetValue(outFile)!;
            // Small images upscaled so that a shift of one pixel can be seen.
            ImageGrid.Save(torch.cat(all.ToArray()), path, columns: (int)batch.shape[0], scale: Math.Max(1, 96 / p.GetValue(resolution)));
            System.Console.WriteLine($"wrote {path} ({images.Name}, pipe {pipeName}, p {pr}: first row as they are, {p.GetValue(rows)} augmented rows)");
            return 0;
        }));
        return cmd;
    }
}
