using GenMerge.Core.Models;

namespace GenMerge.Core.Merging;

/// <summary>Refuses input sets that cannot be merged, naming the model and the field that differs.</summary>
public static class SourceCheck
{
    public static void Compatible(IReadOnlyList<ModelConfig> configs, IReadOnlyList<string> names)
    {
        if (configs.Count != names.Count) throw new ArgumentException("models: names and configs differ in count");
        for (int i = 0; i < configs.Count; i++)
        {
            if (configs[i].CDim != 0)
                throw new ArgumentException($"models[{i}] ({names[i]}): is class-conditional (c_dim {configs[i].CDim}); sources must be unconditional");
            if (i == 0) continue;
            var diff = FirstDifference(configs[0], configs[i]);
            if (diff is not null)
                throw new ArgumentException($"models[{i}] ({names[i]}): incompatible with models[0] ({names[0]}): {diff}");
        }
    }

    /// <summary>"field: a vs b" for the first differing architecture field, or null.</summary>
    public static string? FirstDifference(ModelConfig a, ModelConfig b)
    {
        (string, object, object)[] fields =
        {
            ("family", a.Family, b.Family), ("resolution", a.Resolution, b.Resolution),
            ("img_channels", a.ImgChannels, b.ImgChannels), ("z_dim", a.ZDim, b.ZDim), ("w_dim", a.WDim, b.WDim),
            ("c_dim", a.CDim, b.CDim), ("embed_dim", a.EmbedDim, b.EmbedDim), ("channel_base", a.ChannelBase, b.ChannelBase),
            ("channel_max", a.ChannelMax, b.ChannelMax), ("mapping_layers", a.MappingLayers, b.MappingLayers),
            ("mbstd_group", a.MbstdGroup, b.MbstdGroup),
        };
        foreach (var (name, x, y) in fields)
            if (!x.Equals(y)) return $"{name} {x} vs {y}";
        return null;
    }
}
