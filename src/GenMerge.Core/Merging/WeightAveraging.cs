using System.Globalization;
using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Merging;

/// <summary>
/// GAN Cocktail's averaging step: the (weighted) mean of every parameter AND buffer of models that share one
/// architecture. Floating tensors are averaged in float64 and cast back to their dtype; integer/bool entries
/// (step counters and the like) cannot be meaningfully averaged and are copied from the first model.
/// </summary>
public static class WeightAveraging
{
    /// <summary>Writes the mean of <paramref name="models"/>' state dicts into <paramref name="into"/>, in place.</summary>
    /// <param name="weights">Null for uniform; otherwise one non-negative weight per model, normalised to sum 1.</param>
    public static void Average(IReadOnlyList<nn.Module> models, nn.Module into, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(into);
        Average(models.Select(StateDicts.Of).ToList(), StateDicts.Of(into), weights);
    }

    /// <summary>State-dict form of <see cref="Average(IReadOnlyList{nn.Module}, nn.Module, IReadOnlyList{double}?)"/>:
    /// the tensors of <paramref name="into"/> are overwritten in place.</summary>
    public static void Average(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> states,
                               IReadOnlyDictionary<string, Tensor> into, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(into);
        var w = MergeWeights.Normalise(weights, states.Count);
        StateDictCompat.Check(states);
        StateDictCompat.Check(states[0], into, "model 0", "target");

        using var noGrad = torch.no_grad();
        foreach (var (name, target) in into)
        {
            using var scope = NewDisposeScope();
            if (!StateDicts.IsFloating(target))
            {
                target.copy_(states[0][name]);
                continue;
            }
            target.copy_(WeightedMean(states.Select(s => s[name]).ToList(), w, target.device));
        }
    }

    /// <summary>Sum of w_k * t_k in float64 on <paramref name="device"/> (inside the caller's dispose scope).</summary>
    internal static Tensor WeightedMean(IReadOnlyList<Tensor> tensors, IReadOnlyList<double> w, torch.Device device)
    {
        var acc = zeros(tensors[0].shape, ScalarType.Float64, device);
        for (int k = 0; k < tensors.Count; k++)
            if (w[k] != 0) acc.add_(StateDicts.AsDouble(tensors[k], device).mul_(w[k]));
        return acc;
    }

    /// <summary>
    /// Averages G, D and G_ema of <paramref name="models"/> separately into <paramref name="into"/> (same config),
    /// and sets its provenance to kind "average" with <paramref name="parentHashes"/> (one per model, or none).
    /// </summary>
    public static GanModel Average(IReadOnlyList<GanModel> models, GanModel into,
                                   IReadOnlyList<double>? weights = null, IReadOnlyList<string>? parentHashes = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(into);
        var w = MergeWeights.Normalise(weights, models.Count);
        var parents = GanMerge.Parents(parentHashes, models.Count, "one per model");
        GanMerge.Check(models, into);
        foreach (var net in GanMerge.Networks)
            Average(models.Select(net.Get).ToList(), net.Get(into), w);
        into.Provenance = new Provenance
        {
            Kind = "average",
            Seed = into.Provenance.Seed,
            Parents = parents,
            Notes = new Dictionary<string, string>
            {
                ["weights"] = string.Join(",", w.Select(x => x.ToString("R", CultureInfo.InvariantCulture))),
            },
        };
        return into;
    }

    /// <summary>
    /// A new model (built with <see cref="GanModel.Create"/> from the shared config, so it needs the family's
    /// ModelFactory) holding the average of <paramref name="models"/>; class names are taken from the first model.
    /// </summary>
    public static GanModel Average(IReadOnlyList<GanModel> models, IReadOnlyList<double>? weights = null,
                                   long seed = 0, IReadOnlyList<string>? parentHashes = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        MergeWeights.Normalise(weights, models.Count);
        GanMerge.Parents(parentHashes, models.Count, "one per model");
        GanMerge.Check(models, null); // refuse before building anything
        var into = GanModel.Create(models[0].Config, seed, models[0].ClassNames);
        try
        {
            return Average(models, into, weights, parentHashes);
        }
        catch
        {
            into.Dispose();
            throw;
        }
    }
}
