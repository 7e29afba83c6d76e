using static TorchSharp.torch;

namespace GenMerge.Core.Metrics;

/// <summary>
/// Kernel Inception Distance style metric on ResNet18 features ("KID-R18"): unbiased MMD^2 with the
/// cubic polynomial kernel k(x,y) = (x·y/d + 1)^3, averaged over random subsets. Computed in float64.
/// Unbiased: about 0 (can be slightly negative) for two samples of one distribution.
/// </summary>
public static class KernelDistance
{
    public const string MetricName = "KID-R18";

    /// <summary>Mean and (population) standard deviation over <paramref name="subsets"/> subset pairs of size
    /// min(subsetSize, N, M), drawn without replacement with a generator seeded by <paramref name="seed"/>.</summary>
    public static (double Mean, double Std) Compute(Tensor a, Tensor b, int subsets = 100, int subsetSize = 1000, int seed = 0)
    {
        if (subsets < 1) throw new ArgumentOutOfRangeException(nameof(subsets), $"subsets must be >= 1, got {subsets}.");
        if (subsetSize < 2) throw new ArgumentOutOfRangeException(nameof(subsetSize), $"subsetSize must be >= 2, got {subsetSize}.");
        using var scope = NewDisposeScope();
        var x = FeatureMatrix.AsDouble(a, nameof(a), 2);
        var y = FeatureMatrix.AsDouble(b, nameof(b), 2);
        FeatureMatrix.SameWidth(x, y, nameof(a), nameof(b));
        int m = (int)Math.Min(subsetSize, Math.Min(x.shape[0], y.shape[0]));
        var rng = new Random(seed);
        var values = new double[subsets];
        for (int s = 0; s < subsets; s++)
        {
            using var inner = NewDisposeScope();
            var xs = x.index_select(0, tensor(Sample(rng, (int)x.shape[0], m)));
            var ys = y.index_select(0, tensor(Sample(rng, (int)y.shape[0], m)));
            values[s] = UnbiasedMmd2(xs, ys);
        }
        double mean = values.Average();
        double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / subsets);
        return (mean, std);
    }

    /// <summary>Unbiased MMD^2 of two equally sized float64 samples [m,d] under the cubic polynomial kernel.</summary>
    public static double UnbiasedMmd2(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        long m = x.shape[0], d = x.shape[1];
        if (y.shape[0] != m) throw new ArgumentException($"samples must be the same size; got {m} and {y.shape[0]}.");
        Tensor K(Tensor p, Tensor q) => (p.matmul(q.t()) / d + 1).pow(3);
        var kxx = K(x, x); var kyy = K(y, y); var kxy = K(x, y);
        double offDiagonal = (kxx.sum() - kxx.trace() + kyy.sum() - kyy.trace()).item<double>();
        double cross = kxy.sum().item<double>();
        return (offDiagonal / (m - 1) - 2 * cross / m) / m;
    }

    /// <summary>m distinct indices out of n (partial Fisher–Yates).</summary>
    static long[] Sample(Random rng, int n, int m)
    {
        var pool = Enumerable.Range(0, n).ToArray();
        var picked = new long[m];
        for (int i = 0; i < m; i++)
        {
            int j = rng.Next(i, n);
            (pool[i], pool[j]) = (pool[j], pool[i]);
            picked[i] = pool[i];
        }
        return picked;
    }
}
