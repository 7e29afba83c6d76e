using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Merging;

/// <summary>Distance of one parameter tensor: ||a - b||_2 and that divided by ||a||_2.</summary>
public sealed record LayerDistance(string Name, long[] Shape, double L2, double Relative);

/// <summary>Per-parameter distances and their means (buffers are not counted).</summary>
public sealed record WeightDistanceResult(IReadOnlyList<LayerDistance> Layers)
{
    /// <summary>Mean over parameter tensors of ||a - b||_2.</summary>
    public double MeanL2 => Layers.Count == 0 ? 0 : Layers.Average(l => l.L2);
    /// <summary>Mean over parameter tensors of ||a - b||_2 / ||a||_2.</summary>
    public double MeanRelative => Layers.Count == 0 ? 0 : Layers.Average(l => l.Relative);
}

/// <summary>
/// How far apart two models of one architecture are in weight space, e.g. to show that rooted models stay
/// near their root while independently trained ones do not.
/// </summary>
public static class WeightDistance
{
    /// <summary>
    /// For every parameter tensor (state-dict order) ||a - b||_2 and ||a - b||_2 / ||a||_2, computed in float64.
    /// The relative value is 0 when both norms are 0 and +infinity when only ||a|| is 0.
    /// Refuses modules whose state dicts differ (<see cref="StateDictCompat"/>).
    /// </summary>
    public static WeightDistanceResult Compute(nn.Module a, nn.Module b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var sa = StateDicts.Of(a);
        var sb = StateDicts.Of(b);
        StateDictCompat.Check(sa, sb, "model a", "model b");
        var parameterNames = StateDicts.ParameterNames(a);

        var layers = new List<LayerDistance>();
        using var noGrad = torch.no_grad();
        foreach (var (name, ta) in sa)
        {
            if (!parameterNames.Contains(name) || !StateDicts.IsFloating(ta)) continue;
            using var scope = NewDisposeScope();
            var da = StateDicts.AsDouble(ta, ta.device);
            var db = StateDicts.AsDouble(sb[name], ta.device);
            double diff = (da - db).norm().item<double>();
            double norm = da.norm().item<double>();
            double relative = norm > 0 ? diff / norm : diff == 0 ? 0 : double.PositiveInfinity;
            layers.Add(new LayerDistance(name, ta.shape, diff, relative));
        }
        return new WeightDistanceResult(layers);
    }

    /// <summary>
    /// Mean per-layer L2 distance over the parameters both modules hold with one shape: models of different c_dim
    /// (a rooted copy of the conditioned root against an unconditional source) differ only in their class tensors.
    /// </summary>
    public static double MeanL2Shared(nn.Module a, nn.Module b)
    {
        var sb = StateDicts.Of(b);
        var names = StateDicts.ParameterNames(a);
        using var noGrad = torch.no_grad();
        var l2 = new List<double>();
        foreach (var (name, ta) in StateDicts.Of(a))
        {
            if (!names.Contains(name) || !StateDicts.IsFloating(ta) || !sb.TryGetValue(name, out var tb) || !ta.shape.SequenceEqual(tb.shape)) continue;
            using var scope = NewDisposeScope();
            l2.Add((StateDicts.AsDouble(ta, ta.device) - StateDicts.AsDouble(tb, ta.device)).norm().item<double>());
        }
        return l2.Count == 0 ? 0 : l2.Average();
    }

    /// <summary>Mean per-layer L2 distance (<see cref="WeightDistanceResult.MeanL2"/>).</summary>
    public static double MeanL2(nn.Module a, nn.Module b) => Compute(a, b).MeanL2;

    /// <summary>Mean per-layer relative distance (<see cref="WeightDistanceResult.MeanRelative"/>).</summary>
    public static double MeanRelative(nn.Module a, nn.Module b) => Compute(a, b).MeanRelative;
}
