using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>
/// The resampling and activation primitives of stylegan2-ada-pytorch (upfirdn2d, conv2d_resample, bias_act),
/// written as plain reference implementations (no custom CUDA kernels). Resampling uses the FIR filter
/// [1,3,3,1] (outer product, normalised to sum 1) exactly as the reference, so converted weights behave the same.
/// </summary>
internal static class Ops
{
    public const double LreluSlope = 0.2;
    /// <summary>bias_act's def_gain for lrelu: keeps the activations' expected magnitude.</summary>
    public static readonly double LreluGain = Math.Sqrt(2.0);
    public const int FilterSize = 4;

    /// <summary>setup_filter([1,3,3,1]): the separable 4x4 low-pass filter, summing to 1.</summary>
    public static Tensor SetupFilter()
    {
        using var f1 = tensor(new float[] { 1, 3, 3, 1 });
        using var f2 = outer(f1, f1);
        return f2 / f2.sum();
    }

    /// <summary>
    /// x + b (broadcast over channel dim 1), then lrelu(0.2) * sqrt(2) or identity, then * gain, then clamped to
    /// [-clamp, clamp] when clamp is given (the reference's bias_act; its conv layers pass conv_clamp * gain).
    /// </summary>
    public static Tensor BiasAct(Tensor x, Tensor? b, bool lrelu, double gain = 1.0, double? clamp = null)
    {
        if (b is not null)
        {
            var shape = new long[x.ndim];
            Array.Fill(shape, 1L);
            shape[1] = -1;
            x = x + b.reshape(shape);
        }
        if (lrelu)
        {
            x = nn.functional.leaky_relu(x, LreluSlope);
            gain *= LreluGain;
        }
        if (gain != 1.0) x = x * gain;
        return clamp is double c ? x.clamp(-c, c) : x;
    }

    /// <summary>The clamp a conv layer applies for a call with this gain (conv_clamp * gain), or none.</summary>
    public static double? ScaledClamp(int? convClamp, double gain) => convClamp is int c ? c * gain : null;

    /// <summary>downsample2d: x2 FIR downsampling (used on the image by D's 'skip' architecture).</summary>
    public static Tensor Downsample2d(Tensor x)
    {
        const int down = 2;
        return Upfirdn2d(x, true, down: down, pad: ((FilterSize - down + 1) / 2, (FilterSize - down) / 2, (FilterSize - down + 1) / 2, (FilterSize - down) / 2));
    }

    /// <summary>The 1D taps of the filter: [1,3,3,1] / 8 (the 2D filter is their outer product).</summary>
    private static readonly double[] Taps = { 1 / 8.0, 3 / 8.0, 3 / 8.0, 1 / 8.0 };

    /// <summary>
    /// upfirdn2d with the [1,3,3,1] filter: upsample by zero insertion, pad (x0, x1, y0, y1; non-negative),
    /// filter (scaled by gain) when <paramref name="filter"/>, keep every down-th pixel. The separable filter runs
    /// as sums of shifted slices (depthwise grouped convs are slow on CPU); it is symmetric, so correlation and
    /// convolution agree.
    /// </summary>
    public static Tensor Upfirdn2d(Tensor x, bool filter, int up = 1, int down = 1, (long X0, long X1, long Y0, long Y1) pad = default, double gain = 1.0)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        if (up > 1)
        {
            x = x.reshape(n, c, h, 1, w, 1);
            x = nn.functional.pad(x, new long[] { 0, up - 1, 0, 0, 0, up - 1 });
            x = x.reshape(n, c, h * up, w * up);
        }
        if (pad != default)
            x = nn.functional.pad(x, new[] { pad.X0, pad.X1, pad.Y0, pad.Y1 });
        if (filter)
        {
            x = Filter1d(x, 3, gain);
            x = Filter1d(x, 2, 1.0);
        }
        if (down > 1)
            x = x.slice(2, 0, x.shape[2], down).slice(3, 0, x.shape[3], down);
        return x;
    }

    private static Tensor Filter1d(Tensor x, long dim, double gain)
    {
        long outLen = x.shape[dim] - Taps.Length + 1;
        Tensor? y = null;
        for (int k = 0; k < Taps.Length; k++)
        {
            var term = x.narrow(dim, k, outLen) * (Taps[k] * gain);
            y = y is null ? term : y + term;
        }
        return y!;
    }

    /// <summary>upsample2d: x2 upsampling through the FIR filter (gain 4 keeps the mean).</summary>
    public static Tensor Upsample2d(Tensor x)
    {
        const int up = 2;
        return Upfirdn2d(x, true, up: up, pad: ((FilterSize + up - 1) / 2, (FilterSize - up) / 2, (FilterSize + up - 1) / 2, (FilterSize - up) / 2), gain: up * up);
    }

    /// <summary>
    /// conv2d_resample: 2D convolution with optional FIR up/downsampling (factor 2), padding as the reference.
    /// flipWeight = true is correlation (torch's conv2d); false flips the kernel (the reference's upsampling convs).
    /// </summary>
    public static Tensor Conv2dResample(Tensor x, Tensor w, int up, int down, int padding, bool flipWeight)
    {
        long kh = w.shape[2], kw = w.shape[3];
        long px0 = padding, px1 = padding, py0 = padding, py1 = padding;
        if (up > 1)
        {
            px0 += (FilterSize + up - 1) / 2; px1 += (FilterSize - up) / 2;
            py0 += (FilterSize + up - 1) / 2; py1 += (FilterSize - up) / 2;
        }
        if (down > 1)
        {
            px0 += (FilterSize - down + 1) / 2; px1 += (FilterSize - down) / 2;
            py0 += (FilterSize - down + 1) / 2; py1 += (FilterSize - down) / 2;
        }
        var kernel = flipWeight ? w : w.flip(2, 3);

        // 1x1 kernel, downsampling: filter+downsample first, then the cheap conv.
        if (kw == 1 && kh == 1 && down > 1 && up == 1)
            return nn.functional.conv2d(Upfirdn2d(x, true, down: down, pad: (px0, px1, py0, py1)), kernel);
        // 1x1 kernel, upsampling: conv first, then upsample.
        if (kw == 1 && kh == 1 && up > 1 && down == 1)
            return Upfirdn2d(nn.functional.conv2d(x, kernel), true, up: up, pad: (px0, px1, py0, py1), gain: up * up);
        // Downsampling only: filter, then strided conv.
        if (down > 1 && up == 1)
            return nn.functional.conv2d(Upfirdn2d(x, true, pad: (px0, px1, py0, py1)), kernel, strides: new long[] { down, down });
        // No resampling.
        if (up == 1 && down == 1)
            return nn.functional.conv2d(x, kernel, padding: new long[] { py0, px0 });

        // Upsampling (the reference's fast path): transposed stride-2 conv, then the FIR filter with gain up^2.
        // Equivalent to zero-insertion + filter + conv, at a quarter of the multiply-adds.
        px0 -= kw - 1; px1 -= kw - up; py0 -= kh - 1; py1 -= kh - up;
        long pxt = Math.Max(Math.Min(-px0, -px1), 0), pyt = Math.Max(Math.Min(-py0, -py1), 0);
        // conv_transpose2d computes a true convolution: hand it the un-flipped kernel for flipWeight = false.
        var tw = (flipWeight ? w.flip(2, 3) : w).transpose(0, 1);
        x = nn.functional.conv_transpose2d(x, tw, strides: new long[] { up, up }, padding: new long[] { pyt, pxt });
        x = Upfirdn2d(x, true, pad: (px0 + pxt, px1 + pxt, py0 + pyt, py1 + pyt), gain: up * up);
        if (down > 1) x = Upfirdn2d(x, true, down: down);
        return x;
    }
}
