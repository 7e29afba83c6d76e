using GenMerge.Core.Models;

namespace GenMerge.Core.Merging;

/// <summary>Refuses input sets that cannot be merged, naming the model and the field that differs.</summary>
public static class SourceCheck
{
    /// <summary>
    /// Sources are one domain each: unconditional (c_dim 0) or one-class conditional (c_dim 1, how GAN Cocktail's code
    /// trains them), all of one kind. Several classes in one source is issue 22's incremental merge, not done yet.
    /// </summary>
    public static void Compatible(IReadOnlyList<ModelConfig> configs, IReadOnlyList<string> names)
    {
        if (configs.Count != names.Count) throw new ArgumentException("models: names and configs differ in count");
        for (int i = 0; i < configs.Count; i++)
            if (configs[i].CDim > 1)
                throw new ArgumentException($"models[{i}] ({names[i]}): has {configs[i].CDim} classes (c_dim {configs[i].CDim}); " +
                                            "sources must be one domain each (c_dim 0 or 1): merging multi-class sources (incremental merge) is not supported yet");
        if (configs.Select(c => c.CDim).Distinct().Count() > 1)
            throw new ArgumentException("models: unconditional and one-class sources do not merge together (" +
                string.Join(", ", configs.Select((c, i) => $"{names[i]} c_dim {c.CDim}")) + "); give sources of one c_dim");
        for (int i = 1; i < configs.Count; i++)
        {
            var diff = StateDictCompat.ConfigDifferences(configs[0], configs[i]);
            if (diff.Count > 0)
                throw new ArgumentException($"models[{i}] ({names[i]}): incompatible with models[0] ({names[0]}): {string.Join(", ", diff)}");
        }
    }
}
