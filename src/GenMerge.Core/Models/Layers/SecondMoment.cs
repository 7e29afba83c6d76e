using static TorchSharp.torch;

namespace GenMerge.Core.Models.Layers;

/// <summary>normalize_2nd_moment of stylegan2-ada (also the pixel norm of ProGAN when applied over channels).</summary>
public static class SecondMoment
{
    public static Tensor Normalize(Tensor x, long dim = 1, double eps = 1e-8)
        => x * (x.square().mean(new[] { dim }, keepdim: true) + eps).rsqrt();
}
