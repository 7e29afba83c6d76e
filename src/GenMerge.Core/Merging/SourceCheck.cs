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
            var diff = StateDictCompat.ConfigDifferences(configs[0], configs[i]);
            if (diff.Count > 0)
                throw new ArgumentException($"models[{i}] ({names[i]}): incompatible with models[0] ({names[0]}): {string.Join(", ", diff)}");
        }
    }
}
