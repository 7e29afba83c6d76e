using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Merging;

/// <summary>
/// Shared driver of merges that act on task vectors tau_k = theta_k - theta_root of rooted models
/// (TIES, task arithmetic). Parameters: root + combine(deltas). Floating buffers: plain mean of the
/// rooted models (not the root, so a single model merged with lambda 1 is returned unchanged).
/// Integer/bool entries: copied from the first rooted model.
/// </summary>
internal static class RootedDeltas
{
    /// <summary>combine: float64 deltas (one per model) -> float64 merged delta, inside the caller's dispose scope.</summary>
    internal static void Merge(nn.Module root, IReadOnlyList<nn.Module> models, nn.Module into,
                               Func<IReadOnlyList<Tensor>, Tensor> combine)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(into);
        Merge(StateDicts.Of(root), models.Select(StateDicts.Of).ToList(), StateDicts.Of(into),
              StateDicts.ParameterNames(root), combine);
    }

    internal static void Merge(IReadOnlyDictionary<string, Tensor> root, IReadOnlyList<IReadOnlyDictionary<string, Tensor>> models,
                               IReadOnlyDictionary<string, Tensor> into, IReadOnlySet<string> parameterNames,
                               Func<IReadOnlyList<Tensor>, Tensor> combine)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(parameterNames);
        if (models.Count == 0) throw new ArgumentException("models: need at least one rooted model to merge");
        var all = new List<IReadOnlyDictionary<string, Tensor>> { root };
        all.AddRange(models);
        all.Add(into);
        StateDictCompat.Check(all, ["root", .. models.Select((_, i) => $"model {i}"), "target"]);
        var unknown = parameterNames.Where(n => !root.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"parameterNames: '{unknown[0]}' is not in the state dict");

        var uniform = MergeWeights.Normalise(null, models.Count);
        using var noGrad = torch.no_grad();
        foreach (var (name, target) in into)
        {
            using var scope = NewDisposeScope();
            if (!StateDicts.IsFloating(target))
            {
                target.copy_(models[0][name]);
            }
            else if (parameterNames.Contains(name))
            {
                var r = StateDicts.AsDouble(root[name], target.device);
                var deltas = models.Select(m => StateDicts.AsDouble(m[name], target.device).sub_(r)).ToList();
                target.copy_(r.add_(combine(deltas)));
            }
            else
            {
                target.copy_(WeightAveraging.WeightedMean(models.Select(m => m[name]).ToList(), uniform, target.device));
            }
        }
    }

    /// <summary>Runs <paramref name="mergeNetwork"/> on G, D and G_ema, then records provenance.</summary>
    internal static GanModel MergeGan(GanModel root, IReadOnlyList<GanModel> models, GanModel into,
                                      IReadOnlyList<string>? parentHashes, string kind,
                                      IReadOnlyDictionary<string, string> notes,
                                      Action<nn.Module, IReadOnlyList<nn.Module>, nn.Module> mergeNetwork)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(into);
        var parents = GanMerge.Parents(parentHashes, models.Count + 1, "root first, then one per model");
        GanMerge.Check(models, into, root);
        foreach (var net in GanMerge.Networks)
            mergeNetwork(net.Get(root), models.Select(net.Get).ToList(), net.Get(into));
        into.Provenance = new Provenance { Kind = kind, Seed = into.Provenance.Seed, Parents = parents, Notes = notes };
        return into;
    }
}
