using GenMerge.Core.Models;
using TorchSharp.Modules;

namespace GenMerge.Core.Training;

/// <summary>
/// Freeze-D (Mo et al. 2020, "Freeze the Discriminator"): fine-tuning a trained GAN keeps D's first blocks, those
/// nearest the image, fixed and trains only the rest, so the few-data D cannot forget its low-level features.
/// Counted in resolution blocks (<c>b{R}</c>, <c>b{R/2}</c>, ... of both families), not in stylegan2-ada's single
/// layers, so one number means the same for every family; the 4x4 epilogue <c>b4</c> and <c>cmap</c> always train.
/// </summary>
public static class FreezeDiscriminator
{
    /// <summary>How many blocks a D of this resolution has before its 4x4 epilogue (b{R} .. b8).</summary>
    public static int MaxBlocks(int resolution) => Math.Max(0, (int)Math.Round(Math.Log2(resolution)) - 2);

    /// <summary>The frozen blocks' names, nearest the image first.</summary>
    public static IReadOnlyList<string> Blocks(int resolution, int frozen) =>
        Enumerable.Range(0, frozen).Select(i => $"b{resolution >> i}").ToList();

    /// <summary>Throws unless <paramref name="frozen"/> blocks exist in a D of <paramref name="resolution"/> px.</summary>
    public static void Check(int frozen, int resolution)
    {
        int max = MaxBlocks(resolution);
        if (frozen < 0 || frozen > max)
            throw new ArgumentException($"freeze_d: {frozen} blocks, but a {resolution} px D has {max} before its 4x4 epilogue " +
                                        $"({string.Join(", ", Blocks(resolution, max))}); expected 0..{max}");
    }

    /// <summary>D's parameters split into those that train and those the first <paramref name="frozen"/> blocks hold.</summary>
    public static (List<Parameter> Trainable, List<Parameter> Frozen) Split(Discriminator d, int frozen)
    {
        Check(frozen, d.Config.Resolution);
        var prefixes = Blocks(d.Config.Resolution, frozen).Select(b => b + ".").ToList();
        var trainable = new List<Parameter>();
        var fixedOnes = new List<Parameter>();
        foreach (var (name, p) in d.named_parameters())
            (prefixes.Any(name.StartsWith) ? fixedOnes : trainable).Add(p);
        return (trainable, fixedOnes);
    }
}
