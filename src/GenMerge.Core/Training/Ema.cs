using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Training;

/// <summary>G_ema = beta * G_ema + (1 - beta) * G for parameters; buffers copied (as stylegan2-ada).</summary>
public static class Ema
{
    /// <summary>beta for one step of <paramref name="batch"/> images, stylegan2-ada's schedule with ramp-up.</summary>
    public static double Beta(double emaKimg, double rampup, int batch, long imagesSeen)
    {
        var emaNimg = emaKimg * 1000;
        if (rampup > 0) emaNimg = Math.Min(emaNimg, imagesSeen * rampup);
        return emaNimg <= 0 ? 0 : Math.Pow(0.5, batch / Math.Max(emaNimg, 1e-8));
    }

    public static void Update(nn.Module ema, nn.Module source, double beta)
    {
        using var _ = no_grad();
        var src = source.state_dict();
        foreach (var (name, p) in ema.named_parameters())
            p.lerp_(src[name], 1 - beta);
        foreach (var (name, b) in ema.named_buffers())
            b.copy_(src[name]);
    }
}
