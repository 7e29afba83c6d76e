using System.Globalization;
using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Merging;

/// <summary>
/// Task arithmetic (Ilharco et al., 2023) on rooted models: merged = root + lambda * sum_k (theta_k - theta_root)
/// for every parameter. Buffers: plain mean of the rooted models; integer entries copied from the first one.
/// </summary>
public static class TaskArithmetic
{
    public const double DefaultLambda = 1.0;

    public static void Merge(nn.Module root, IReadOnlyList<nn.Module> models, nn.Module into, double lambda = DefaultLambda)
    {
        Validate(lambda);
        RootedDeltas.Merge(root, models, into, deltas => SumDeltas(deltas).mul_(lambda));
    }

    /// <summary>State-dict form; <paramref name="parameterNames"/> says which entries are parameters (the rest are buffers).</summary>
    public static void Merge(IReadOnlyDictionary<string, Tensor> root, IReadOnlyList<IReadOnlyDictionary<string, Tensor>> models,
                             IReadOnlyDictionary<string, Tensor> into, IReadOnlySet<string> parameterNames,
                             double lambda = DefaultLambda)
    {
        Validate(lambda);
        RootedDeltas.Merge(root, models, into, parameterNames, deltas => SumDeltas(deltas).mul_(lambda));
    }

    /// <summary>Task arithmetic on G, D and G_ema; provenance kind "task_arithmetic", parents = [root, models...].</summary>
    public static GanModel Merge(GanModel root, IReadOnlyList<GanModel> models, GanModel into,
                                 double lambda = DefaultLambda, IReadOnlyList<string>? parentHashes = null)
    {
        Validate(lambda);
        var notes = new Dictionary<string, string> { ["lambda"] = lambda.ToString("R", CultureInfo.InvariantCulture) };
        return RootedDeltas.MergeGan(root, models, into, parentHashes, "task_arithmetic", notes,
                                     (r, ms, t) => Merge(r, ms, t, lambda));
    }

    private static Tensor SumDeltas(IReadOnlyList<Tensor> deltas)
    {
        var sum = deltas[0].clone();
        for (int k = 1; k < deltas.Count; k++) sum.add_(deltas[k]);
        return sum;
    }

    private static void Validate(double lambda)
    {
        if (!double.IsFinite(lambda)) throw new ArgumentException($"lambda: {lambda} must be finite");
    }
}
