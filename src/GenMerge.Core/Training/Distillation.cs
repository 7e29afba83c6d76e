using static TorchSharp.torch;

namespace GenMerge.Core.Training;

/// <summary>
/// Paired distillation: every synthetic sample is a pair (z, G_i(z)), so besides the adversarial loss the trained G can
/// be pulled toward its source at the same latent, merged(z, class i) ~ G_i(z), in pixels and in D's intermediate
/// features. It needs no real data and adds no parameters. GAN Cocktail does not do this; see bench/merge-methods.
/// </summary>
public static class Distillation
{
    /// <summary>Mean absolute difference.</summary>
    public const string L1 = "l1";
    /// <summary>Mean squared difference.</summary>
    public const string L2 = "l2";
    /// <summary>Laplacian-pyramid L1 (GLO's Lap1, Bojanowski et al. 2018): the sum over pyramid levels of each level's mean
    /// absolute difference. Plain L1 lets thin strokes on a plain ground fade (a blank image is already close; measured
    /// with bench/merge-methods/pair-l1.sh); the coarse levels see a missing stroke as a region that is too light.</summary>
    public const string Lap1 = "lap1";

    public static readonly IReadOnlyList<string> Losses = new[] { L1, L2, Lap1 };

    /// <summary>The Laplacian pyramid stops at this side: 32 px images have bands at 32, 16 and 8 px and a 4 px rest.</summary>
    public const int PyramidMinSide = 4;

    public static void Validate(string loss)
    {
        if (!Losses.Contains(loss)) throw new ArgumentException($"distill_loss: '{loss}' is not one of {string.Join(", ", Losses)}");
    }

    /// <summary>The pixel term: mean over every element of |fake - target| (l1), (fake - target)^2 (l2), or the
    /// <see cref="Laplacian"/> pyramid's L1 (lap1). Shapes must match. With <paramref name="weights"/> (one per sample,
    /// >= 0) it is the mean over samples of weight x that sample's term.</summary>
    public static Tensor Pixel(Tensor fake, Tensor target, string loss, Tensor? weights = null)
    {
        if (!fake.shape.SequenceEqual(target.shape))
            throw new ArgumentException($"distillation: fake [{string.Join(", ", fake.shape)}] and target [{string.Join(", ", target.shape)}] differ in shape");
        var diff = fake - target.detach();
        if (weights is not null) diff = diff * SampleScale(weights, diff, loss);
        return loss switch
        {
            L2 => diff.square().mean(),
            Lap1 => Laplacian(diff),
            _ => diff.abs().mean(),
        };
    }

    /// <summary>
    /// Lap1 of a difference (the pyramid is linear, so the pyramid of fake - target is the difference of theirs): while
    /// both sides are even and at least 2 x <see cref="PyramidMinSide"/>, the band g - up(down(g)) (2x2 mean, nearest
    /// upsampling) adds its mean |.| and g becomes down(g); the rest adds its own. Every level's term has the per-pixel
    /// gradient of plain L1, so lap1 is l1 plus the same pull on ever coarser regions. Not [B, C, H, W]: plain L1.
    /// </summary>
    public static Tensor Laplacian(Tensor diff)
    {
        if (diff.dim() != 4) return diff.abs().mean();
        var g = diff;
        Tensor sum = zeros(1, dtype: diff.dtype, device: diff.device).squeeze();
        while (g.shape[2] % 2 == 0 && g.shape[3] % 2 == 0 && Math.Min(g.shape[2], g.shape[3]) >= 2 * PyramidMinSide)
        {
            // Each 2x2 block as two axes of size 2: the mean over them is the downsampled image, and subtracting it
            // broadcast over them is nearest upsampling, with views only (pooling and repeat kernels cost more on CPU).
            long b = g.shape[0], c = g.shape[1], h = g.shape[2] / 2, w = g.shape[3] / 2;
            var blocks = g.reshape(b, c, h, 2, w, 2);
            var down = blocks.mean(new long[] { 3, 5 }, keepdim: true);
            sum = sum + (blocks - down).abs().mean();
            g = down.view(b, c, h, w);
        }
        return sum + g.abs().mean();
    }

    /// <summary>
    /// What each sample's difference is multiplied by so that the loss's mean weighs sample i by w_i: every sample holds
    /// as many elements (and pyramid blocks) as the others, and l1 and lap1 are positively homogeneous (|w d| = w |d|),
    /// so w itself; l2 squares it, so sqrt(w). Scaling the difference keeps one code path for the weighted and unweighted loss.
    /// </summary>
    static Tensor SampleScale(Tensor weights, Tensor diff, string loss)
    {
        if (weights.dim() != 1 || weights.shape[0] != diff.shape[0])
            throw new ArgumentException($"distillation: {string.Join("x", weights.shape)} weights for {diff.shape[0]} samples (need one per sample)");
        var w = (loss == L2 ? weights.sqrt() : weights).to(diff.dtype).to(diff.device);
        var shape = new long[diff.dim()];
        Array.Fill(shape, 1L);
        shape[0] = diff.shape[0];
        return w.view(shape);
    }

    /// <summary>The feature term: the mean over D's layers of each layer's <see cref="Pixel"/> difference, so that no one
    /// layer's size decides the weight. The target's features carry no gradient. <paramref name="weights"/> as in <see cref="Pixel"/>.</summary>
    public static Tensor Features(IReadOnlyList<Tensor> fake, IReadOnlyList<Tensor> target, string loss, Tensor? weights = null)
    {
        if (fake.Count == 0 || fake.Count != target.Count)
            throw new ArgumentException($"distillation: {fake.Count} fake feature maps for {target.Count} target ones (need the same number, > 0)");
        Tensor? sum = null;
        for (int i = 0; i < fake.Count; i++)
        {
            var term = Pixel(fake[i], target[i], loss, weights);
            sum = sum is null ? term : sum + term;
        }
        return sum! / fake.Count;
    }
}
