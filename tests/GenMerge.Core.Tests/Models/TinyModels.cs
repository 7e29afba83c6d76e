using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Models;

/// <summary>16x16 configs small enough that every test runs in well under a second of compute.</summary>
internal static class TinyModels
{
    public static ModelConfig Config(string family, int cDim = 0) => family switch
    {
        ModelConfig.Compact => new ModelConfig
        {
            Family = ModelConfig.Compact, Resolution = 16, ZDim = 8, EmbedDim = 6, ChannelBase = 4, ChannelMax = 16,
            MbstdGroup = 2, CDim = cDim,
        },
        _ => new ModelConfig
        {
            Family = ModelConfig.StyleGan2, Resolution = 16, ZDim = 8, WDim = 10, EmbedDim = 6, ChannelBase = 256,
            ChannelMax = 12, MappingLayers = 2, MbstdGroup = 2, CDim = cDim,
        },
    };

    public static readonly string[] Families = { ModelConfig.Compact, ModelConfig.StyleGan2 };

    public static Tensor Z(long batch, ModelConfig config, long seed = 7)
    {
        using var gen = new torch.Generator((ulong)seed);
        return randn(new[] { batch, (long)config.ZDim }, generator: gen);
    }

    public static Tensor Images(long batch, ModelConfig config, long seed = 11)
    {
        using var gen = new torch.Generator((ulong)seed);
        return rand(new[] { batch, (long)config.ImgChannels, config.Resolution, config.Resolution }, generator: gen) * 2 - 1;
    }

    /// <summary>Makes stylegan2 sampling deterministic (stored noise); compact is deterministic already.</summary>
    public static GenMerge.Core.Models.Generator Deterministic(GenMerge.Core.Models.Generator g)
    {
        if (g is GenMerge.Core.Models.StyleGan2.StyleGan2Generator sg) sg.NoiseMode = "const";
        return g;
    }

    /// <summary>max |expected - actual| &lt;= tol * max(1, max |expected|): float rounding grows with the values' scale.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, double tol = 1e-5, string what = "")
    {
        Assert.Equal(expected.shape, actual.shape);
        double diff = (expected - actual).abs().max().item<float>();
        double scale = Math.Max(1.0, expected.abs().max().item<float>());
        Assert.True(diff <= tol * scale, $"{what}: max |diff| = {diff} > {tol} * {scale}");
    }

    public static void AssertDifferent(Tensor a, Tensor b, double minDiff = 1e-4, string what = "")
    {
        double diff = (a - b).abs().max().item<float>();
        Assert.True(diff > minDiff, $"{what}: expected a change, max |diff| = {diff}");
    }
}
