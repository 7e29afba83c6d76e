using System.Globalization;
using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Merging;

/// <summary>
/// TIES-merging (Yadav et al., 2023) of rooted task vectors, an option beyond GAN Cocktail's plain mean.
/// Per parameter tensor: tau_k = theta_k - theta_root; trim each tau_k to its top-<c>density</c> fraction by
/// magnitude; elect each entry's sign as the sign of the sum of trimmed deltas; average only the trimmed
/// entries that agree with that sign (disjoint mean); merged = root + lambda * merged delta.
/// Entries whose trimmed deltas sum to exactly zero get no update. Buffers: plain mean of the rooted models.
/// </summary>
public static class TiesMerging
{
    public const double DefaultDensity = 0.2;
    public const double DefaultLambda = 1.0;

    /// <summary>Writes the TIES merge of <paramref name="models"/> (rooted at <paramref name="root"/>) into <paramref name="into"/>.</summary>
    public static void Merge(nn.Module root, IReadOnlyList<nn.Module> models, nn.Module into,
                             double density = DefaultDensity, double lambda = DefaultLambda)
    {
        Validate(density, lambda);
        RootedDeltas.Merge(root, models, into, deltas => MergeDeltas(deltas, density).mul_(lambda));
    }

    /// <summary>State-dict form; <paramref name="parameterNames"/> says which entries are parameters (the rest are buffers).</summary>
    public static void Merge(IReadOnlyDictionary<string, Tensor> root, IReadOnlyList<IReadOnlyDictionary<string, Tensor>> models,
                             IReadOnlyDictionary<string, Tensor> into, IReadOnlySet<string> parameterNames,
                             double density = DefaultDensity, double lambda = DefaultLambda)
    {
        Validate(density, lambda);
        RootedDeltas.Merge(root, models, into, parameterNames, deltas => MergeDeltas(deltas, density).mul_(lambda));
    }

    /// <summary>TIES on G, D and G_ema separately; provenance kind "ties", parents = [root, models...] hashes.</summary>
    public static GanModel Merge(GanModel root, IReadOnlyList<GanModel> models, GanModel into,
                                 double density = DefaultDensity, double lambda = DefaultLambda,
                                 IReadOnlyList<string>? parentHashes = null)
    {
        Validate(density, lambda);
        var notes = new Dictionary<string, string>
        {
            ["density"] = density.ToString("R", CultureInfo.InvariantCulture),
            ["lambda"] = lambda.ToString("R", CultureInfo.InvariantCulture),
        };
        return RootedDeltas.MergeGan(root, models, into, parentHashes, "ties", notes,
                                     (r, ms, t) => Merge(r, ms, t, density, lambda));
    }

    /// <summary>
    /// The merged delta (float64, same shape) of same-shaped <paramref name="deltas"/>: trim, elect sign, disjoint mean.
    /// </summary>
    public static Tensor MergeDeltas(IReadOnlyList<Tensor> deltas, double density)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        if (deltas.Count == 0) throw new ArgumentException("deltas: need at least one delta");
        Validate(density, DefaultLambda);
        for (int k = 1; k < deltas.Count; k++)
            if (!deltas[k].shape.SequenceEqual(deltas[0].shape))
                throw new ArgumentException(
                    $"deltas[{k}]: shape {StateDicts.ShapeText(deltas[k].shape)} vs {StateDicts.ShapeText(deltas[0].shape)} of deltas[0]");
        using var scope = NewDisposeScope();
        // dim: 0L, not 0: a bare int literal 0 binds to the sum(ScalarType) overload (0 = Byte).
        var trimmed = stack(deltas.Select(d => Trim(d.to(ScalarType.Float64), density)).ToArray()); // [K, ...]
        var elected = trimmed.sum(dim: 0L).sign();
        var agrees = trimmed.sign().eq(elected.unsqueeze(0)).logical_and(elected.ne(0).unsqueeze(0));
        var selected = where(agrees, trimmed, zeros_like(trimmed));
        var count = agrees.to(ScalarType.Float64).sum(dim: 0L).clamp_min(1);
        return selected.sum(dim: 0L).div_(count).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Keeps the ceil(density * numel) largest-magnitude entries of <paramref name="delta"/> and zeroes the rest
    /// (entries tied with the smallest kept magnitude are all kept). Returns a new tensor of the same dtype.
    /// </summary>
    public static Tensor Trim(Tensor delta, double density)
    {
        ArgumentNullException.ThrowIfNull(delta);
        Validate(density, DefaultLambda);
        long n = delta.numel();
        // The small epsilon keeps e.g. 0.3 * 10 = 3.0000000000000004 from rounding up to 4.
        long keep = Math.Clamp((long)Math.Ceiling(density * n - 1e-9), 1, Math.Max(n, 1));
        if (n == 0 || keep >= n) return delta.clone();
        using var scope = NewDisposeScope();
        var magnitude = delta.abs();
        var threshold = magnitude.flatten().topk((int)keep).values[keep - 1];
        return where(magnitude.ge(threshold), delta, zeros_like(delta)).MoveToOuterDisposeScope();
    }

    private static void Validate(double density, double lambda)
    {
        if (!(density > 0 && density <= 1))
            throw new ArgumentException($"density: {density} (expected a fraction in (0, 1])");
        if (!double.IsFinite(lambda))
            throw new ArgumentException($"lambda: {lambda} must be finite");
    }
}
