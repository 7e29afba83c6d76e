using System.Text.Json.Serialization;

namespace GenMerge.Core.Models;

/// <summary>
/// Architecture of one G/D pair. Serialised into checkpoint metadata, so names are stable. The stylegan2 fields
/// added for imported models (conv_clamp .. d_conditioning) are left out of the JSON while they hold the value that
/// means what GenMerge computed before they existed, so checkpoints written earlier load unchanged and re-save to
/// the same bytes; d_conditioning is the one whose missing value ("projection", the legacy layout) differs from
/// the default of a config made in code ("reference"), see <see cref="IJsonOnDeserializing.OnDeserializing"/>.
/// </summary>
public sealed record ModelConfig : IJsonOnDeserializing, IJsonOnDeserialized
{
    public const string Compact = "compact";
    public const string StyleGan2 = "stylegan2";
    /// <summary>G architectures: every block adds its torgb to the upsampled image ('skip'), or only the last block has one ('orig').</summary>
    public const string ArchSkip = "skip", ArchOrig = "orig", ArchResnet = "resnet";
    /// <summary>Conditional D layouts: stylegan2-ada's mapped cmap dotted with a cmap_dim-wide b4.out ("reference"),
    /// or GenMerge's earlier single out plus an added projection through D.cmap ("projection", read only from old checkpoints).</summary>
    public const string DCondReference = "reference", DCondProjection = "projection";
    /// <summary>stylegan2-ada's D mapping network depth (its MappingNetwork default).</summary>
    public const int DefaultDMappingLayers = 8;

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

    /// <summary>stylegan2: clamp of conv outputs (bias_act clamp, scaled by the layer's gain, as the reference); null = none.</summary>
    [JsonPropertyName("conv_clamp"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ConvClamp { get; init; }
    /// <summary>stylegan2: how many of the highest resolutions the reference runs in fp16. Recorded only: computed in fp32.</summary>
    [JsonPropertyName("num_fp16_res"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int NumFp16Res { get; init; }
    /// <summary>stylegan2 G: "skip" (default) or "orig".</summary>
    [JsonIgnore] public string GArchitecture { get; init; } = ArchSkip;
    /// <summary>stylegan2 D: "resnet" (default), "orig" or "skip".</summary>
    [JsonIgnore] public string DArchitecture { get; init; } = ArchResnet;
    /// <summary>stylegan2 D: minibatch-stddev feature channels (reference mbstd_num_channels); 0 disables the layer.</summary>
    [JsonIgnore] public int MbstdChannels { get; init; } = 1;
    /// <summary>stylegan2 conditional D: width of cmap; 0 = channels at 4x4 (the reference's default).</summary>
    [JsonPropertyName("cmap_dim"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int CmapDim { get; init; }
    /// <summary>stylegan2 conditional D ("reference" layout): layers of D.mapping (fc0..fc{n-1}).</summary>
    [JsonIgnore] public int DMappingLayers { get; init; } = DefaultDMappingLayers;
    /// <summary>stylegan2 conditional D layout: "reference" (every model made from now on) or "projection" (legacy).</summary>
    [JsonIgnore] public string DConditioning { get => _dConditioning; init => _dConditioning = value; }
    private string _dConditioning = DCondReference;

    // JSON views of the fields above that are omitted while they hold their legacy meaning (null = not written).
    [JsonInclude, JsonPropertyName("g_architecture"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private string? GArchitectureJson { get => GArchitecture == ArchSkip ? null : GArchitecture; init => GArchitecture = value ?? ArchSkip; }
    [JsonInclude, JsonPropertyName("d_architecture"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private string? DArchitectureJson { get => DArchitecture == ArchResnet ? null : DArchitecture; init => DArchitecture = value ?? ArchResnet; }
    [JsonInclude, JsonPropertyName("mbstd_channels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private int? MbstdChannelsJson { get => MbstdChannels == 1 ? null : MbstdChannels; init => MbstdChannels = value ?? 1; }
    [JsonInclude, JsonPropertyName("d_mapping_layers"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private int? DMappingLayersJson { get => DMappingLayers == DefaultDMappingLayers ? null : DMappingLayers; init => DMappingLayers = value ?? DefaultDMappingLayers; }
    // Written only for a conditional stylegan2 "reference" D: a conditional file without it is read as the legacy
    // "projection" layout; for unconditional and compact models the field means nothing and is never written.
    [JsonInclude, JsonPropertyName("d_conditioning"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private string? DConditioningJson
    {
        get => Family == StyleGan2 && CDim > 0 && DConditioning != DCondProjection ? DConditioning : null;
        init => DConditioning = value ?? DCondProjection;
    }

    /// <summary>Before JSON fills the fields: a checkpoint without d_conditioning was written with the legacy layout.</summary>
    void IJsonOnDeserializing.OnDeserializing() => _dConditioning = DCondProjection;

    /// <summary>After: unconditional and compact configs carry the default, so they equal the same config made in code.</summary>
    void IJsonOnDeserialized.OnDeserialized()
    {
        if (Family != StyleGan2 || CDim == 0) _dConditioning = DCondReference;
    }

    [JsonIgnore] public bool IsConditional => CDim > 0;
    /// <summary>True when a conditional stylegan2 D uses stylegan2-ada's layout (D.mapping, b4.out [cmap_dim, in]).</summary>
    [JsonIgnore] public bool ReferenceConditioning => DConditioning == DCondReference;

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
        if (ConvClamp is <= 0) throw new ArgumentException($"conv_clamp: {ConvClamp} must be positive (or null for none)");
        if (NumFp16Res < 0) throw new ArgumentException($"num_fp16_res: {NumFp16Res} must be >= 0");
        if (GArchitecture is not (ArchSkip or ArchOrig))
            throw new ArgumentException($"g_architecture: unknown '{GArchitecture}' (expected '{ArchSkip}' or '{ArchOrig}')");
        if (DArchitecture is not (ArchResnet or ArchOrig or ArchSkip))
            throw new ArgumentException($"d_architecture: unknown '{DArchitecture}' (expected '{ArchResnet}', '{ArchOrig}' or '{ArchSkip}')");
        if (MbstdChannels < 0) throw new ArgumentException($"mbstd_channels: {MbstdChannels} must be >= 0");
        if (CmapDim < 0) throw new ArgumentException($"cmap_dim: {CmapDim} must be >= 0 (0 = channels at 4x4)");
        if (DMappingLayers < 1) throw new ArgumentException($"d_mapping_layers: {DMappingLayers} must be >= 1");
        if (DConditioning is not (DCondReference or DCondProjection))
            throw new ArgumentException($"d_conditioning: unknown '{DConditioning}' (expected '{DCondReference}' or '{DCondProjection}')");
        if (Family == Compact)
        {
            // Silently ignoring these would give a model that is not what the config says.
            if (ConvClamp is not null) throw new ArgumentException("conv_clamp: only the stylegan2 family has it");
            if (GArchitecture != ArchSkip) throw new ArgumentException($"g_architecture: only the stylegan2 family has '{GArchitecture}'");
            if (DArchitecture != ArchResnet) throw new ArgumentException($"d_architecture: only the stylegan2 family has '{DArchitecture}'");
        }
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
