using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Training;

/// <summary>
/// stylegan2-ada's augmentations of every image D sees, real or fake, each transform on with probability p per
/// image: 'blit' (xflip, rotate90, xint), and 'bgc', which adds the geometric (isotropic scale, rotation,
/// anisotropic scale, fractional shift) and colour (brightness, contrast, luma flip, hue, saturation) groups.
/// A D that sees few images (a merge trains on a few thousand synthetic ones) memorises them; augmenting what it
/// sees, never what G draws, keeps it from it without leaking into G at p well below 1. Blits are exact pixel
/// permutations (one gather); the geometric group interpolates bilinearly with gathers and fixed weights, and the
/// colour group is a per-image affine map of RGB, so every step is linear in the images: gradients reach G, and
/// R1's double backward through the reals works (PyTorch's grid_sample has no double backward, hence not used).
/// </summary>
public static class AugmentPipe
{
    /// <summary>stylegan2-ada's xint_max: shifts up to this fraction of the image size.</summary>
    public const double XintMax = 0.125;
    /// <summary>stylegan2-ada's spreads: log2 std of isotropic and anisotropic scaling, std of the fractional shift.</summary>
    public const double ScaleStd = 0.2, AnisoStd = 0.2, XfracStd = 0.125;
    /// <summary>stylegan2-ada's colour spreads: brightness std, log2 std of contrast and saturation, hue range (x pi).</summary>
    public const double BrightnessStd = 0.2, ContrastStd = 0.5, SaturationStd = 1.0, HueMax = 1.0;

    public static Tensor Apply(Tensor images, double p, torch.Generator rng, string pipe = AugmentPipes.Blit)
    {
        if (p <= 0) return images;
        if (pipe == AugmentPipes.Blit) return Blit(images, p, rng);
        using var scope = NewDisposeScope();
        return Color(Geometric(Blit(images, p, rng), p, rng), p, rng).MoveToOuterDisposeScope();
    }

    /// <summary>'blit': x-flip, quarter turns, integer shifts (mirrored at the border).</summary>
    public static Tensor Blit(Tensor images, double p, torch.Generator rng)
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
        var sx = Mirror((u1 + (w - 1)).div(2, rounding_mode: RoundingMode.floor), w);
        var sy = Mirror((v1 + (h - 1)).div(2, rounding_mode: RoundingMode.floor), h);
        var index = (sy * w + sx).to(images.device).unsqueeze(1).expand(b, c, h * w);
        return images.reshape(b, c, h * w).gather(2, index).reshape(b, c, h, w).MoveToOuterDisposeScope();
    }

    /// <summary>Mirrors any index into [0, n) (edge pixel repeated, period 2n): rotations reach far outside.</summary>
    static Tensor Mirror(Tensor i, long n)
    {
        var m = i.remainder(2 * n);
        return where(m >= n, 2 * n - 1 - m, m);
    }

    static Tensor Exp2(Tensor x) => (x * Math.Log(2)).exp();

    /// <summary>Per image, <paramref name="value"/> where a draw falls under <paramref name="p"/>, else <paramref name="identity"/>.</summary>
    static Tensor Gated(Tensor value, double p, double identity, torch.Generator rng) =>
        where(rand(new[] { value.shape[0] }, generator: rng) < p, value, full_like(value, identity));

    /// <summary>
    /// The geometric group: isotropic scale, rotation, anisotropic scale, rotation, fractional shift, composed into
    /// one inverse map (output pixel -> source point, centred pixel units), sampled bilinearly from the image
    /// mirrored beyond its border. Rotations are each drawn with 1 - sqrt(1 - p), as stylegan2-ada, so that the
    /// chance of any rotation is p.
    /// </summary>
    public static Tensor Geometric(Tensor images, double p, torch.Generator rng)
    {
        if (p <= 0) return images;
        long b = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        using var scope = NewDisposeScope();
        var pRot = 1 - Math.Sqrt(Math.Max(1 - p, 0));
        var m = torch.eye(2, dtype: float64).expand(b, 2, 2);
        Tensor Diag(Tensor sx, Tensor sy) => stack(new[] { stack(new[] { sx, zeros_like(sx) }, 1), stack(new[] { zeros_like(sy), sy }, 1) }, 1);
        Tensor Rot(Tensor t) => stack(new[] { stack(new[] { t.cos(), -t.sin() }, 1), stack(new[] { t.sin(), t.cos() }, 1) }, 1);
        // Inverse maps compose right to left, as stylegan2-ada's G_inv @= T_inv.
        var s = Gated(Exp2(randn(new[] { b }, float64, generator: rng) * ScaleStd), p, 1, rng);
        m = m.bmm(Diag(1 / s, 1 / s));
        var r1 = Gated((rand(new[] { b }, float64, generator: rng) * 2 - 1) * Math.PI, pRot, 0, rng);
        m = m.bmm(Rot(r1));
        var a = Gated(Exp2(randn(new[] { b }, float64, generator: rng) * AnisoStd), p, 1, rng);
        m = m.bmm(Diag(1 / a, a));
        var r2 = Gated((rand(new[] { b }, float64, generator: rng) * 2 - 1) * Math.PI, pRot, 0, rng);
        m = m.bmm(Rot(r2));
        var tx = Gated(randn(new[] { b }, float64, generator: rng) * XfracStd * w, p, 0, rng);
        var ty = Gated(randn(new[] { b }, float64, generator: rng) * XfracStd * h, p, 0, rng);

        // Output pixel centres in centred coordinates, [2, H*W]; source = M (out - t).
        var ys = arange(h, float64).view(h, 1).expand(h, w).reshape(1, h * w) - (h - 1) / 2.0;
        var xs = arange(w, float64).view(1, w).expand(h, w).reshape(1, h * w) - (w - 1) / 2.0;
        var outXs = xs - tx.view(b, 1);
        var outYs = ys - ty.view(b, 1);
        var sx = m.select(1, 0).select(1, 0).view(b, 1) * outXs + m.select(1, 0).select(1, 1).view(b, 1) * outYs + (w - 1) / 2.0;
        var sy = m.select(1, 1).select(1, 0).view(b, 1) * outXs + m.select(1, 1).select(1, 1).view(b, 1) * outYs + (h - 1) / 2.0;
        var x0 = sx.floor(); var y0 = sy.floor();
        var fx = (sx - x0).to(images.dtype).to(images.device).unsqueeze(1);
        var fy = (sy - y0).to(images.dtype).to(images.device).unsqueeze(1);
        var flat = images.reshape(b, c, h * w);
        Tensor Read(Tensor yi, Tensor xi)
        {
            var index = (Mirror(yi.to(int64), h) * w + Mirror(xi.to(int64), w)).to(images.device).unsqueeze(1).expand(b, c, h * w);
            return flat.gather(2, index);
        }
        var top = Read(y0, x0) * (1 - fx) + Read(y0, x0 + 1) * fx;
        var bottom = Read(y0 + 1, x0) * (1 - fx) + Read(y0 + 1, x0 + 1) * fx;
        return (top * (1 - fy) + bottom * fy).reshape(b, c, h, w).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The colour group, one affine map of RGB per image (images centred at 0): brightness, contrast, luma flip,
    /// hue rotation about the grey axis, saturation. One-channel images get brightness and contrast only.
    /// </summary>
    public static Tensor Color(Tensor images, double p, torch.Generator rng)
    {
        if (p <= 0) return images;
        long b = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        if (c != 1 && c != 3) throw new ArgumentException($"augment: colour transforms need 1 or 3 channels, got {c}");
        using var scope = NewDisposeScope();
        var brightness = Gated(randn(new[] { b }, float64, generator: rng) * BrightnessStd, p, 0, rng);
        var contrast = Gated(Exp2(randn(new[] { b }, float64, generator: rng) * ContrastStd), p, 1, rng);
        // y = A x + t, composed as stylegan2-ada's C = T @ C (each new transform applied after the previous).
        var A = torch.eye(c, dtype: float64).expand(b, c, c) * contrast.view(b, 1, 1);
        var t = (brightness * contrast).view(b, 1, 1).expand(b, c, 1);
        if (c == 3)
        {
            var v = full(new[] { 3L, 1L }, 1 / Math.Sqrt(3), float64);
            var vv = v.matmul(v.t()).expand(b, 3, 3);
            var i3 = torch.eye(3, dtype: float64).expand(b, 3, 3);
            var flip = Gated(floor(rand(new[] { b }, float64, generator: rng) * 2), p, 0, rng).view(b, 1, 1);
            var theta = Gated((rand(new[] { b }, float64, generator: rng) * 2 - 1) * Math.PI * HueMax, p, 0, rng).view(b, 1, 1);
            var sat = Gated(Exp2(randn(new[] { b }, float64, generator: rng) * SaturationStd), p, 1, rng).view(b, 1, 1);
            // Rodrigues: rotation by theta about the grey axis v.
            var cross = tensor(new double[] { 0, -1, 1, 1, 0, -1, -1, 1, 0 }, float64).view(3, 3) / Math.Sqrt(3);
            var hue = theta.cos() * i3 + theta.sin() * cross.expand(b, 3, 3) + (1 - theta.cos()) * vv;
            var m = (vv + (i3 - vv) * sat).bmm(hue).bmm(i3 - 2 * vv * flip);
            A = m.bmm(A);
            t = m.bmm(t);
        }
        var x = images.reshape(b, c, h * w);
        return (A.to(images.dtype).to(images.device).bmm(x) + t.to(images.dtype).to(images.device)).reshape(b, c, h, w).MoveToOuterDisposeScope();
    }
}

/// <summary>The augmentation pipelines, named as stylegan2-ada's --augpipe.</summary>
public static class AugmentPipes
{
    /// <summary>Pixel blitting only: flips, quarter turns, integer shifts.</summary>
    public const string Blit = "blit";
    /// <summary>Blitting, geometric and colour transforms (stylegan2-ada's default).</summary>
    public const string Bgc = "bgc";

    public static readonly IReadOnlyList<string> All = new[] { Blit, Bgc };

    public static void Validate(string pipe)
    {
        if (!All.Contains(pipe)) throw new ArgumentException($"aug_pipe: '{pipe}' is not one of {string.Join(", ", All)}");
    }
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
