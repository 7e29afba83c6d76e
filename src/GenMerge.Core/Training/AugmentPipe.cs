using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Training;

/// <summary>
/// stylegan2-ada's pixel-blitting augmentations ('blit': xflip, rotate90, xint), applied to every image D sees,
/// real or fake, each with probability p per image. A D that sees few images (a merge trains on a few thousand
/// synthetic ones) memorises them; augmenting what it sees, never what G draws, keeps it from it without leaking
/// into G at p well below 1. Every transform is an exact pixel permutation done with one gather, so gradients
/// reach G (and R1's reals) unchanged.
/// </summary>
public static class AugmentPipe
{
    /// <summary>stylegan2-ada's xint_max: shifts up to this fraction of the image size.</summary>
    public const double XintMax = 0.125;

    public static Tensor Apply(Tensor images, double p, torch.Generator rng)
    {
        if (p <= 0) return images;
        long b = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        if (h != w) throw new ArgumentException($"augment: images must be square for rotate90, got {h}x{w}");
        using var scope = NewDisposeScope();
        // Per image, each transform on with probability p (the draws are made whether or not they apply, as stylegan2-ada).
        Tensor Gate(Tensor v) => where(rand(new[] { b, 1L }, generator: rng) < p, v, zeros_like(v));
        var flip = Gate(randint(0, 2, new[] { b, 1L }, generator: rng));
        var turns = Gate(randint(0, 4, new[] { b, 1L }, generator: rng));
        var shift = Gate(((rand(new[] { b, 2L }, generator: rng) * 2 - 1) * (XintMax * w)).round().to(int64));

        // Source pixel of every output pixel, in doubled centred coordinates (u = 2x - (w - 1)) so that flips and
        // quarter turns about the image centre stay integers for even and odd sizes alike.
        var ys = arange(h, int64).view(h, 1).expand(h, w).reshape(1, h * w);
        var xs = arange(w, int64).view(1, w).expand(h, w).reshape(1, h * w);
        var u = 2 * xs - (w - 1) - 2 * shift.narrow(1, 0, 1);
        var v = 2 * ys - (h - 1) - 2 * shift.narrow(1, 1, 1);
        u = where(flip == 1, -u, u);
        // k quarter turns: (u, v) -> (-v, u) applied k times.
        var (u1, v1) = (where(turns == 1, -v, where(turns == 2, -u, where(turns == 3, v, u))),
                        where(turns == 1, u, where(turns == 2, -v, where(turns == 3, -u, v))));
        var sx = Reflect((u1 + (w - 1)).div(2, rounding_mode: RoundingMode.floor), w);
        var sy = Reflect((v1 + (h - 1)).div(2, rounding_mode: RoundingMode.floor), h);
        var index = (sy * w + sx).to(images.device).unsqueeze(1).expand(b, c, h * w);
        return images.reshape(b, c, h * w).gather(2, index).reshape(b, c, h, w).MoveToOuterDisposeScope();
    }

    /// <summary>Mirrors indices that fell off the image back in (shifts are at most an eighth of the size).</summary>
    static Tensor Reflect(Tensor i, long n) => where(i < 0, -i - 1, where(i >= n, 2 * n - 1 - i, i));
}

/// <summary>
/// stylegan2-ada's adaptive augmentation probability: every <see cref="Interval"/> steps, p moves by
/// batch * interval / (ada_kimg * 1000) towards more augmentation while D's sign on the reals it sees
/// (r_t = E[sign(D(real))]) is above the target, and towards less while below.
/// </summary>
public sealed class AdaptiveAugment(double p, double? target, double adaKimg, int batch)
{
    public const int Interval = 4;
    double signSum;
    long signCount;

    /// <summary>Probability of each augmentation now.</summary>
    public double P { get; private set; } = p;
    /// <summary>The last interval's r_t, D's overfitting heuristic (1: every real judged real; ~0: no memorising).</summary>
    public double Rt { get; private set; } = double.NaN;

    /// <summary>Counts the signs of one D step's real logits; at the end of an interval adjusts p (if adaptive).</summary>
    public void Observe(Tensor realLogits, long stepDone)
    {
        signSum += realLogits.detach().sign().sum().item<float>();
        signCount += realLogits.numel();
        if (stepDone % Interval != 0) return;
        Rt = signSum / Math.Max(signCount, 1);
        signSum = 0; signCount = 0;
        if (target is double t)
            P = Math.Clamp(P + Math.Sign(Rt - t) * (batch * Interval) / (adaKimg * 1000), 0, 1);
    }

    /// <summary>Restores p from a saved state (resumed segments continue with it).</summary>
    public void Restore(double p) => P = p;
}
