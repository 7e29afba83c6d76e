using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Merging;

/// <summary>Shared plumbing for merges of whole <see cref="GanModel"/>s: each network is merged on its own.</summary>
internal static class GanMerge
{
    internal sealed record Network(string Name, Func<GanModel, nn.Module> Get);

    internal static readonly IReadOnlyList<Network> Networks =
    [
        new("G", m => m.G),
        new("D", m => m.D),
        new("G_ema", m => m.GEma),
    ];

    /// <summary>Refuses differing configs (naming the field) and state dicts, labelled "G of model 1" etc.</summary>
    internal static void Check(IReadOnlyList<GanModel> models, GanModel? into, GanModel? root = null)
    {
        if (models.Count == 0) throw new ArgumentException("models: need at least one model to merge");
        var all = new List<GanModel>();
        var labels = new List<string>();
        if (root != null) { all.Add(root); labels.Add("root"); }
        for (int i = 0; i < models.Count; i++) { all.Add(models[i]); labels.Add($"model {i}"); }
        if (into != null) { all.Add(into); labels.Add("target"); }

        for (int i = 1; i < all.Count; i++)
            StateDictCompat.CheckConfigs(all[0].Config, all[i].Config, labels[0], labels[i]);
        foreach (var net in Networks)
            StateDictCompat.Check(all.Select(net.Get).ToList(), labels.Select(l => $"{net.Name} of {l}").ToList());
    }

    internal static IReadOnlyList<string> Parents(IReadOnlyList<string>? hashes, int expected, string rule)
    {
        if (hashes == null) return Array.Empty<string>();
        if (hashes.Count != expected)
            throw new ArgumentException($"parentHashes: {hashes.Count} hashes for {expected} parents ({rule})");
        return hashes.ToArray();
    }
}
