using GenMerge.Core.Models;
using GenMerge.Core.Models.Compact;
using GenMerge.Core.Models.StyleGan2;

namespace GenMerge.Core.Merging;

/// <summary>
/// Where a family keeps its class-dependent tensors, and whether their layers use equalised learning rate
/// (stored weight scaled at run time by 1/sqrt(in_features), so resizing in_features needs a rescale).
/// </summary>
internal sealed record ConditioningLayout(
    string EmbedWeight, string EmbedBias, string FirstLayerWeight, string CmapWeight,
    bool Equalised, int FirstLayerOut, int CmapDim)
{
    public static ConditioningLayout For(ModelConfig config) => config.Family switch
    {
        ModelConfig.StyleGan2 => new("mapping.embed.weight", "mapping.embed.bias", "mapping.fc0.weight", "cmap.weight",
                                     Equalised: true, FirstLayerOut: config.WDim, CmapDim: StyleGan2Channels.At(config, 4)),
        ModelConfig.Compact => new("embed.weight", "embed.bias", "fc.weight", "cmap.weight",
                                   Equalised: false, FirstLayerOut: CompactChannels.At(config, 4) * 16, CmapDim: CompactChannels.At(config, 4)),
        _ => throw new ArgumentException($"family: unknown model family '{config.Family}'"),
    };

    /// <summary>Factor for stored weights whose layer's in_features grows from oldIn to newIn, keeping weight * gain fixed.</summary>
    public double Rescale(long oldIn, long newIn) => Equalised ? Math.Sqrt((double)newIn / oldIn) : 1.0;
}
