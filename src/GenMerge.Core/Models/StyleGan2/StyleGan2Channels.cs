namespace GenMerge.Core.Models.StyleGan2;

/// <summary>Channels at a resolution: min(channel_base / res, channel_max), as stylegan2-ada's channels_dict.</summary>
public static class StyleGan2Channels
{
    public static int At(ModelConfig config, int resolution) => Math.Min(config.ChannelBase / resolution, config.ChannelMax);

    /// <summary>The conditional D's cmap width: cmap_dim, or the channels at 4x4 when it is 0 (the reference's default).</summary>
    public static int CmapDim(ModelConfig config) => config.CmapDim > 0 ? config.CmapDim : At(config, 4);

    /// <summary>Throws naming the field when the channel layout cannot be built.</summary>
    public static void Check(ModelConfig config)
    {
        if (config.ChannelBase / config.Resolution < 1)
            throw new ArgumentException(
                $"channel_base: {config.ChannelBase} gives 0 channels at resolution {config.Resolution} for stylegan2 (channels = channel_base / res; needs >= {config.Resolution})");
        int c4 = At(config, 4);
        if (config.MbstdGroup > 0 && config.MbstdChannels > 0 && c4 % config.MbstdChannels != 0)
            throw new ArgumentException($"mbstd_channels: {config.MbstdChannels} does not divide the {c4} channels at 4x4");
        // The legacy projection dots cmap with D's 4x4 features, so it has no width of its own.
        if (config.CDim > 0 && !config.ReferenceConditioning && config.CmapDim != 0 && config.CmapDim != c4)
            throw new ArgumentException($"cmap_dim: {config.CmapDim}, but d_conditioning '{ModelConfig.DCondProjection}' projects onto the {c4} channels at 4x4");
    }
}
