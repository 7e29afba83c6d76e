using GenMerge.Core.Models;

namespace GenMerge.Core.Merging;

/// <summary>Refuses input sets that cannot be merged, naming the model and the field that differs.</summary>
public static class SourceCheck
{
    /// <summary>
    /// Sources of any c_dim merge. One-domain sources of one c_dim (0 or 1) must have identical configs; otherwise
    /// (multi-class or mixed c_dim: the class-extended path) every source's config, made conditional with the total
    /// class count (<see cref="ConditioningLayout.Target"/>), must equal the first one's.
    /// </summary>
    public static void Compatible(IReadOnlyList<ModelConfig> configs, IReadOnlyList<string> names)
    {
        if (configs.Count != names.Count) throw new ArgumentException("models: names and configs differ in count");
        var cDims = configs.Select(c => c.CDim).ToList();
        bool extended = MergeClasses.Extended(cDims);
        int total = cDims.Sum(c => Math.Max(1, c));
        ModelConfig Normal(ModelConfig c) => extended ? ConditioningLayout.Target(c, total) : c;
        for (int i = 1; i < configs.Count; i++)
        {
            var diff = StateDictCompat.ConfigDifferences(Normal(configs[0]), Normal(configs[i]));
            if (diff.Count > 0)
                throw new ArgumentException($"models[{i}] ({names[i]}): incompatible with models[0] ({names[0]})" +
                    (extended ? $" once both are made conditional with {total} classes" : "") + $": {string.Join(", ", diff)}");
        }
    }

    /// <summary><see cref="Compatible"/>, then the merged model's classes (<see cref="MergeClasses.Of"/>; duplicate names refused).</summary>
    public static IReadOnlyList<MergeClass> Classes(IReadOnlyList<ModelConfig> configs, IReadOnlyList<string> names,
                                                    IReadOnlyList<IReadOnlyList<string>?> classNames)
    {
        Compatible(configs, names);
        return MergeClasses.Of(names, configs.Select(c => c.CDim).ToList(), classNames);
    }
}
