namespace GenMerge.Core.Merging;

/// <summary>Validates and normalises per-model averaging weights.</summary>
public static class MergeWeights
{
    /// <summary>
    /// Uniform 1/count when <paramref name="weights"/> is null; otherwise the weights divided by their sum.
    /// Throws <see cref="ArgumentException"/> for a count mismatch, a negative or non-finite weight, or an all-zero list.
    /// </summary>
    public static double[] Normalise(IReadOnlyList<double>? weights, int count)
    {
        if (count <= 0) throw new ArgumentException("models: need at least one model to merge");
        if (weights == null) return Enumerable.Repeat(1.0 / count, count).ToArray();
        if (weights.Count != count)
            throw new ArgumentException($"weights: {weights.Count} weights for {count} models");
        for (int i = 0; i < count; i++)
            if (!double.IsFinite(weights[i]) || weights[i] < 0)
                throw new ArgumentException($"weights[{i}]: {weights[i]} (weights must be finite and non-negative)");
        double sum = weights.Sum();
        if (sum <= 0) throw new ArgumentException("weights: all weights are zero");
        return weights.Select(w => w / sum).ToArray();
    }
}
