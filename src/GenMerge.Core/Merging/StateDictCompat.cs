using System.Reflection;
using System.Text.Json.Serialization;
using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Merging;

/// <summary>
/// Refuses to merge state dicts that do not line up: every merge/distance routine calls this first,
/// so a wrong pairing fails with one clear message instead of a shape error deep in libtorch.
/// </summary>
public static class StateDictCompat
{
    private const int MaxListedNames = 5;

    /// <summary>Throws <see cref="ArgumentException"/> if the two modules' state dicts differ in names, shapes or dtypes.</summary>
    public static void Check(nn.Module a, nn.Module b, string labelA = "model a", string labelB = "model b") =>
        Check(StateDicts.Of(a), StateDicts.Of(b), labelA, labelB);

    /// <summary>Checks every module against the first; labels default to "model 0", "model 1", ...</summary>
    public static void Check(IReadOnlyList<nn.Module> models, IReadOnlyList<string>? labels = null) =>
        Check(models.Select(StateDicts.Of).ToList(), labels);

    /// <summary>Checks every state dict against the first; labels default to "model 0", "model 1", ...</summary>
    public static void Check(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> states, IReadOnlyList<string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (labels != null && labels.Count != states.Count)
            throw new ArgumentException($"labels: {labels.Count} labels for {states.Count} state dicts");
        for (int i = 1; i < states.Count; i++)
            Check(states[0], states[i], labels?[0] ?? "model 0", labels?[i] ?? $"model {i}");
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first missing/extra names, or the tensor whose shape or dtype differs.</summary>
    public static void Check(IReadOnlyDictionary<string, Tensor> a, IReadOnlyDictionary<string, Tensor> b,
                             string labelA = "model a", string labelB = "model b")
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var missing = a.Keys.Where(k => !b.ContainsKey(k)).ToList();
        var extra = b.Keys.Where(k => !a.ContainsKey(k)).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing in {labelB} (present in {labelA}): {Names(missing)}");
            if (extra.Count > 0) parts.Add($"extra in {labelB} (absent from {labelA}): {Names(extra)}");
            throw new ArgumentException($"state dict keys differ between {labelA} and {labelB}: {string.Join("; ", parts)}");
        }
        foreach (var (name, ta) in a)
        {
            var tb = b[name];
            if (!ta.shape.SequenceEqual(tb.shape))
                throw new ArgumentException(
                    $"tensor '{name}': shape {StateDicts.ShapeText(ta.shape)} in {labelA} vs {StateDicts.ShapeText(tb.shape)} in {labelB}");
            if (ta.dtype != tb.dtype)
                throw new ArgumentException($"tensor '{name}': dtype {ta.dtype} in {labelA} vs {tb.dtype} in {labelB}");
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming every config field (JSON name) that differs.</summary>
    public static void CheckConfigs(ModelConfig a, ModelConfig b, string labelA = "model a", string labelB = "model b")
    {
        var diffs = ConfigDifferences(a, b);
        if (diffs.Count > 0)
            throw new ArgumentException($"model configs differ between {labelA} and {labelB}: {string.Join("; ", diffs)}");
    }

    /// <summary>"c_dim: 0 vs 3" for each differing field, in declaration order; empty when equal.</summary>
    public static IReadOnlyList<string> ConfigDifferences(ModelConfig a, ModelConfig b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var diffs = new List<string>();
        // Non-public too: ModelConfig's JSON views of fields that are omitted while they hold their legacy value.
        foreach (var p in typeof(ModelConfig).GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
        {
            var json = p.GetCustomAttribute<JsonPropertyNameAttribute>();
            if (json == null) continue; // derived properties (IsConditional) follow from the stored ones
            var va = p.GetValue(a);
            var vb = p.GetValue(b);
            if (!Equals(va, vb)) diffs.Add($"{json.Name}: {va ?? "(default)"} vs {vb ?? "(default)"}");
        }
        return diffs;
    }

    private static string Names(List<string> names) =>
        string.Join(", ", names.Take(MaxListedNames).Select(n => $"'{n}'")) +
        (names.Count > MaxListedNames ? $" (+{names.Count - MaxListedNames} more)" : "");
}
