namespace GenMerge.Core.Models.StyleGan2;

/// <summary>Channels at a resolution: min(channel_base / res, channel_max), as stylegan2-ada's channels_dict.</summary>
public static class StyleGan2Channels
{
    public static int At(ModelConfig config, int resolution) => Math.Min(config.ChannelBase / resolution, config.ChannelMax);

    /// <summary>Throws naming channel_base when some resolution would get no channels.</summary>
    public static void Check(ModelConfig config)
    {
        if (config.ChannelBase / config.Resolution < 1)
            throw new ArgumentException(
                $"channel_base: {config.ChannelBase} gives 0 channels at resolution {config.Resolution} for stylegan2 (channels = channel_base / res; needs >= {config.Resolution})");
    }
}
