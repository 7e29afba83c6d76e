using GenMerge.Core.Models;
using GenMerge.Core.Models.Compact;
using GenMerge.Core.Models.StyleGan2;

namespace GenMerge.Core.Merging;

/// <summary>
/// Where a family keeps its class-dependent tensors, and whether their layers use equalised learning rate
/// (stored weight scaled at run time by 1/sqrt(in_features), so resizing in_features needs a rescale).
/// G: <c>EmbedWeight</c>/<c>EmbedBias</c> and the first layer that reads them. D: either the legacy projection
/// (<c>CmapWeight</c>, width <c>CmapDim</c>) or, with <see cref="DReference"/>, stylegan2-ada's D.mapping
/// (<c>DEmbedWeight</c>/<c>DEmbedBias</c>, <c>DMappingLayers</c> fc layers) and the cmap_dim-wide <c>DOutWeight</c>/<c>DOutBias</c>.
/// </summary>
internal sealed record ConditioningLayout(
    string EmbedWeight, string EmbedBias, string FirstLayerWeight, string CmapWeight,
    bool Equalised, int FirstLayerOut, int CmapDim, bool DReference = false, int DFeatures = 0, int DMappingLayers = 0)
{
    public const string DEmbedWeight = "mapping.embed.weight", DEmbedBias = "mapping.embed.bias";
    public const string DOutWeight = "b4.out.weight", DOutBias = "b4.out.bias";

    /// <summary>The layout of a model with this config (the conditional target's, for a conversion).</summary>
    public static ConditioningLayout For(ModelConfig config) => config.Family switch
    {
        ModelConfig.StyleGan2 => new("mapping.embed.weight", "mapping.embed.bias", "mapping.fc0.weight", "cmap.weight",
                                     Equalised: true, FirstLayerOut: config.WDim, CmapDim: StyleGan2Channels.CmapDim(config),
                                     DReference: config.ReferenceConditioning, DFeatures: StyleGan2Channels.At(config, 4),
                                     DMappingLayers: config.DMappingLayers),
        ModelConfig.Compact => new("embed.weight", "embed.bias", "fc.weight", "cmap.weight",
                                   Equalised: false, FirstLayerOut: CompactChannels.At(config, 4) * 16, CmapDim: CompactChannels.At(config, 4)),
        _ => throw new ArgumentException($"family: unknown model family '{config.Family}'"),
    };

    /// <summary>
    /// The config <see cref="Conditioning.ToConditional"/> makes from <paramref name="origin"/>: c_dim set; a stylegan2
    /// source without classes gets the reference D layout; a conditional source keeps its own (legacy stays legacy).
    /// </summary>
    public static ModelConfig Target(ModelConfig origin, int cDim)
        => origin.CDim == 0 && origin.Family == ModelConfig.StyleGan2
            ? origin with { CDim = cDim, DConditioning = ModelConfig.DCondReference }
            : origin with { CDim = cDim };

    /// <summary>Factor for stored weights whose layer's in_features grows from oldIn to newIn, keeping weight * gain fixed.</summary>
    public double Rescale(long oldIn, long newIn) => Equalised ? Math.Sqrt((double)newIn / oldIn) : 1.0;
}
