namespace GenMerge.Core.Models.Compact;

/// <summary>
/// Channels of the compact family at a resolution: channel_base is the width at full resolution and doubles
/// at every halving (DCGAN-like), capped at channel_max: min(channel_base * R / res, channel_max).
/// </summary>
public static class CompactChannels
{
    public static int At(ModelConfig config, int resolution)
        => (int)Math.Min((long)config.ChannelBase * (config.Resolution / resolution), config.ChannelMax);
}
