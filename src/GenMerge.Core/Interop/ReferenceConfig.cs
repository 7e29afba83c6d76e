using GenMerge.Core.Checkpoints;
using GenMerge.Core.Models;

namespace GenMerge.Core.Interop;

/// <summary>
/// stylegan2-ada-pytorch constructor arguments (<c>G.init_kwargs</c>, <c>D.init_kwargs</c>) to and from a
/// GenMerge <see cref="ModelConfig"/>. Values GenMerge's stylegan2 model cannot reproduce are refused with the
/// argument's name rather than imported into a model that would compute something else.
/// </summary>
public static class ReferenceConfig
{
    // stylegan2-ada-pytorch's defaults (training/networks.py) for arguments a pickle may leave out.
    private const int DefaultChannelBase = 32768, DefaultChannelMax = 512, DefaultMappingLayers = 8, DefaultMbstdGroup = 4;

    public static ModelConfig ToModelConfig(PyDict g, PyDict? d, string source)
    {
        var r = new Reader(source);
        int zDim = r.Int(g, "z_dim"), wDim = r.Int(g, "w_dim"), cDim = r.Int(g, "c_dim");
        int resolution = r.Int(g, "img_resolution"), channels = r.Int(g, "img_channels");
        var mapping = r.Dict(g, "mapping_kwargs");
        var synthesis = Merge(r.Dict(g, "synthesis_kwargs"), g, "z_dim", "c_dim", "w_dim", "img_resolution", "img_channels", "mapping_kwargs", "synthesis_kwargs");
        int channelBase = r.Int(synthesis, "channel_base", DefaultChannelBase), channelMax = r.Int(synthesis, "channel_max", DefaultChannelMax);
        int? convClamp = r.IntOrNull(synthesis, "conv_clamp");
        int fp16 = r.Int(synthesis, "num_fp16_res", 0);   // fp16 layers: GenMerge computes them in fp32 (same weights)
        var gArch = r.Str(synthesis, "architecture", ModelConfig.ArchSkip);
        r.Only(mapping, "layer_features", null, "G mapping layer_features");
        r.Only(mapping, "lr_multiplier", 0.01, "G mapping lr_multiplier");
        r.Only(mapping, "activation", "lrelu", "G mapping activation");
        int embed = r.Int(mapping, "embed_features", wDim);
        int mbstdGroup = DefaultMbstdGroup, mbstdChannels = 1, cmapDim = 0, dMapping = ModelConfig.DefaultDMappingLayers;
        var dArch = ModelConfig.ArchResnet;
        if (d is not null)
        {
            foreach (var (key, value) in new[] { ("c_dim", cDim), ("img_resolution", resolution), ("img_channels", channels) })
                if (r.Int(d, key) != value) throw r.Bad($"D {key} {r.Int(d, key)} differs from G's {value}");
            if (r.Int(d, "channel_base", DefaultChannelBase) != channelBase || r.Int(d, "channel_max", DefaultChannelMax) != channelMax)
                throw r.Bad("D channel_base/channel_max differ from G's; GenMerge models share one width");
            if (r.IntOrNull(d, "conv_clamp") != convClamp) throw r.Bad($"D conv_clamp {r.IntOrNull(d, "conv_clamp")} differs from G's {convClamp}; GenMerge models share one");
            if (r.Int(d, "num_fp16_res", 0) != fp16) throw r.Bad("D num_fp16_res differs from G's; GenMerge models record one");
            dArch = r.Str(d, "architecture", ModelConfig.ArchResnet);
            var epilogue = r.Dict(d, "epilogue_kwargs");
            mbstdGroup = r.Int(epilogue, "mbstd_group_size", DefaultMbstdGroup);
            mbstdChannels = r.Int(epilogue, "mbstd_num_channels", 1);
            cmapDim = r.Int(d, "cmap_dim", 0);
            var dm = r.Dict(d, "mapping_kwargs");
            dMapping = r.Int(dm, "num_layers", ModelConfig.DefaultDMappingLayers);
            r.Only(dm, "embed_features", null, "D mapping embed_features");
            r.Only(dm, "layer_features", null, "D mapping layer_features");
            r.Only(dm, "lr_multiplier", 0.01, "D mapping lr_multiplier");
            foreach (var k in new[] { "block_kwargs" })
                if (r.Dict(d, k).Count > 0) throw r.Bad($"D {k} {{{string.Join(", ", r.Dict(d, k).Keys)}}} are not supported by GenMerge's model yet");
        }
        ModelConfig config;
        try
        {
            config = new ModelConfig
            {
                Family = ModelConfig.StyleGan2, Resolution = resolution, ImgChannels = channels, ZDim = zDim, WDim = wDim, CDim = cDim,
                EmbedDim = embed > 0 ? embed : new ModelConfig().EmbedDim,
                ChannelBase = channelBase, ChannelMax = channelMax,
                MappingLayers = r.Int(mapping, "num_layers", DefaultMappingLayers), MbstdGroup = mbstdGroup,
                ConvClamp = convClamp, NumFp16Res = fp16, GArchitecture = gArch, DArchitecture = dArch, MbstdChannels = mbstdChannels,
                CmapDim = cmapDim, DMappingLayers = dMapping, DConditioning = ModelConfig.DCondReference,
            };
        }
        catch (ArgumentException e) { throw r.Bad($"architecture not supported: {e.Message}"); }
        try { return config.Validate(); }
        catch (ArgumentException e) { throw r.Bad($"architecture not supported: {e.Message}"); }
    }

    /// <summary>The init_kwargs that rebuild <paramref name="config"/> as the reference's Generator and Discriminator.</summary>
    public static (PyDict G, PyDict D) ToInitKwargs(ModelConfig config)
    {
        if (config.Family != ModelConfig.StyleGan2)
            throw new ArgumentException($"family: only stylegan2 models export to stylegan2-ada-pytorch (this one is '{config.Family}')");
        if (config.CDim > 0 && !config.ReferenceConditioning)
            throw new ArgumentException("d_conditioning: this conditional model has GenMerge's legacy projection discriminator, which stylegan2-ada-pytorch cannot load; merge again with this version to get the reference layout");
        var g = D(("z_dim", (long)config.ZDim), ("c_dim", (long)config.CDim), ("w_dim", (long)config.WDim),
                  ("img_resolution", (long)config.Resolution), ("img_channels", (long)config.ImgChannels),
                  ("mapping_kwargs", D(("num_layers", (long)config.MappingLayers), ("embed_features", (long)config.EmbedDim))),
                  ("synthesis_kwargs", D(("channel_base", (long)config.ChannelBase), ("channel_max", (long)config.ChannelMax),
                                         ("num_fp16_res", (long)config.NumFp16Res), ("conv_clamp", (long?)config.ConvClamp),
                                         ("architecture", config.GArchitecture))));
        var d = D(("c_dim", (long)config.CDim), ("img_resolution", (long)config.Resolution), ("img_channels", (long)config.ImgChannels),
                  ("architecture", config.DArchitecture), ("channel_base", (long)config.ChannelBase), ("channel_max", (long)config.ChannelMax),
                  ("num_fp16_res", (long)config.NumFp16Res), ("conv_clamp", (long?)config.ConvClamp),
                  ("cmap_dim", config.CmapDim == 0 ? null : (long)config.CmapDim),
                  ("mapping_kwargs", D(("num_layers", (long)config.DMappingLayers))),
                  ("epilogue_kwargs", D(("mbstd_group_size", (long)config.MbstdGroup), ("mbstd_num_channels", (long)config.MbstdChannels))));
        return (g, d);
    }

    private static PyDict D(params (string Key, object? Value)[] items)
    {
        var d = new PyDict();
        foreach (var (k, v) in items) d[k] = v;
        return d;
    }

    /// <summary>stylegan3-style callers pass synthesis arguments loose in G's kwargs; the reference merges them.</summary>
    private static PyDict Merge(PyDict synthesis, PyDict g, params string[] generatorKeys)
    {
        var all = new PyDict();
        foreach (var kv in synthesis) all[kv.Key] = kv.Value;
        foreach (var kv in g) if (kv.Key is string k && !generatorKeys.Contains(k)) all[k] = kv.Value;
        return all;
    }

    private sealed class Reader(string source)
    {
        public CheckpointException Bad(string what) => new(source, what);

        public int Int(PyDict d, string key, int? dflt = null)
        {
            if (!d.TryGetValue(key, out var v) || v is null)
                return dflt ?? throw Bad($"init_kwargs lack '{key}'");
            return v is long l && l is >= int.MinValue and <= int.MaxValue ? (int)l
                : v is bool b ? (b ? 1 : 0) : throw Bad($"init_kwargs '{key}' is {PickleReader.Describe(v)}, not an int");
        }

        public int? IntOrNull(PyDict d, string key) => d.TryGetValue(key, out var v) && v is not null ? Int(d, key) : null;

        public string Str(PyDict d, string key, string dflt) =>
            !d.TryGetValue(key, out var v) || v is null ? dflt : v as string ?? throw Bad($"init_kwargs '{key}' is {PickleReader.Describe(v)}, not a string");

        public PyDict Dict(PyDict d, string key) =>
            !d.TryGetValue(key, out var v) || v is null ? new PyDict() : v as PyDict ?? throw Bad($"init_kwargs '{key}' is not a dict");

        /// <summary>Refuses a value GenMerge does not support (absent or null counts as the default).</summary>
        public void Only(PyDict d, string key, object? supported, string what)
        {
            if (!d.TryGetValue(key, out var v) || v is null || Equals(v, supported)) return;
            if (v is long l && supported is double s && l == s) return;
            if (v is double x && supported is long y && x == y) return;
            throw Bad($"{what} = {v} is not supported by GenMerge's stylegan2 model yet (supported: {supported ?? "None"})");
        }
    }
}
