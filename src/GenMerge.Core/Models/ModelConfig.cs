using System.Text.Json.Serialization;

namespace GenMerge.Core.Models;

/// <summary>Architecture of one G/D pair. Serialised into checkpoint metadata, so names are stable.</summary>
public sealed record ModelConfig
{
    public const string Compact = "compact";
    public const string StyleGan2 = "stylegan2";

    /// <summary>"compact" (small DCGAN-like, fast on CPU) or "stylegan2".</summary>
    [JsonPropertyName("family")] public string Family { get; init; } = Compact;
    /// <summary>Output image side in pixels; a power of two, 8..1024.</summary>
    [JsonPropertyName("resolution")] public int Resolution { get; init; } = 32;
    [JsonPropertyName("img_channels")] public int ImgChannels { get; init; } = 3;
    [JsonPropertyName("z_dim")] public int ZDim { get; init; } = 64;
    /// <summary>W (intermediate latent) width for stylegan2; ignored by compact.</summary>
    [JsonPropertyName("w_dim")] public int WDim { get; init; } = 64;
    /// <summary>Number of classes; 0 = unconditional.</summary>
    [JsonPropertyName("c_dim")] public int CDim { get; init; }
    /// <summary>Class-embedding width (stylegan2: mapping embed_features; compact: concatenated to z).</summary>
    [JsonPropertyName("embed_dim")] public int EmbedDim { get; init; } = 64;
    /// <summary>stylegan2: channel_base (channels at resolution r = min(base / r, max)). compact: width multiplier.</summary>
    [JsonPropertyName("channel_base")] public int ChannelBase { get; init; } = 2048;
    [JsonPropertyName("channel_max")] public int ChannelMax { get; init; } = 128;
    [JsonPropertyName("mapping_layers")] public int MappingLayers { get; init; } = 2;
    /// <summary>Minibatch-stddev group size of D (stylegan2); 0 disables.</summary>
    [JsonPropertyName("mbstd_group")] public int MbstdGroup { get; init; } = 4;

    [JsonIgnore] public bool IsConditional => CDim > 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field.</summary>
    public ModelConfig Validate()
    {
        if (Family != Compact && Family != StyleGan2)
            throw new ArgumentException($"family: unknown model family '{Family}' (expected '{Compact}' or '{StyleGan2}')");
        if (Resolution < 8 || Resolution > 1024 || (Resolution & (Resolution - 1)) != 0)
            throw new ArgumentException($"resolution: {Resolution} is not a power of two in 8..1024");
        if (ImgChannels is not (1 or 3)) throw new ArgumentException($"img_channels: {ImgChannels} (expected 1 or 3)");
        if (ZDim <= 0) throw new ArgumentException($"z_dim: {ZDim} must be positive");
        if (WDim <= 0) throw new ArgumentException($"w_dim: {WDim} must be positive");
        if (CDim < 0) throw new ArgumentException($"c_dim: {CDim} must be >= 0");
        if (EmbedDim <= 0) throw new ArgumentException($"embed_dim: {EmbedDim} must be positive");
        if (ChannelBase <= 0) throw new ArgumentException($"channel_base: {ChannelBase} must be positive");
        if (ChannelMax <= 0) throw new ArgumentException($"channel_max: {ChannelMax} must be positive");
        if (MappingLayers < 1) throw new ArgumentException($"mapping_layers: {MappingLayers} must be >= 1");
        if (MbstdGroup < 0) throw new ArgumentException($"mbstd_group: {MbstdGroup} must be >= 0");
        return this;
    }

    /// <summary>Defaults per family, tuned for 2-core CPU work at 32x32.</summary>
    public static ModelConfig Default(string family, int resolution, int cDim = 0) => (family switch
    {
        Compact => new ModelConfig { Family = Compact, Resolution = resolution, CDim = cDim, ZDim = 64, EmbedDim = 64, ChannelBase = 16, ChannelMax = 128 },
        StyleGan2 => new ModelConfig { Family = StyleGan2, Resolution = resolution, CDim = cDim, ZDim = 64, WDim = 64, EmbedDim = 64, ChannelBase = 2048, ChannelMax = 128, MappingLayers = 2 },
        _ => throw new ArgumentException($"family: unknown model family '{family}' (expected '{Compact}' or '{StyleGan2}')"),
    }).Validate();
}
