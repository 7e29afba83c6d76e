using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Metrics;

/// <summary>
/// Fréchet distance between Gaussians fitted to two feature sets:
/// |mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2)). On ResNet18 features it is reported as
/// "FID-R18" (not Inception FID). Computed in float64.
/// </summary>
public static class FrechetDistance
{
    public const string MetricName = "FID-R18";

    /// <summary>FID between features a [N,D] and b [M,D] (N, M >= 2; covariances may be singular, e.g. N &lt; D).</summary>
    public static double Compute(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var x = FeatureMatrix.AsDouble(a, nameof(a), 2);
        var y = FeatureMatrix.AsDouble(b, nameof(b), 2);
        FeatureMatrix.SameWidth(x, y, nameof(a), nameof(b));
        var (muA, covA) = Statistics(x);
        var (muB, covB) = Statistics(y);
        return FromStatistics(muA, covA, muB, covB);
    }

    /// <summary>Mean [D] and unbiased covariance [D,D] (float64) of features [N,D].</summary>
    public static (Tensor Mean, Tensor Covariance) Statistics(Tensor features)
    {
        using var scope = NewDisposeScope();
        var x = FeatureMatrix.AsDouble(features, nameof(features), 2);
        var mean = x.mean(new long[] { 0 });
        var centred = x - mean;
        var cov = centred.t().matmul(centred) / (x.shape[0] - 1);
        return (mean.MoveToOuterDisposeScope(), cov.MoveToOuterDisposeScope());
    }

    public static double FromStatistics(Tensor muA, Tensor covA, Tensor muB, Tensor covB)
    {
        using var scope = NewDisposeScope();
        long d = muA.shape[0];
        foreach (var (t, name, shape) in new[] { (muB, nameof(muB), new[] { d }), (covA, nameof(covA), new[] { d, d }), (covB, nameof(covB), new[] { d, d }) })
            if (!t.shape.SequenceEqual(shape))
                throw new ArgumentException($"{name} has shape [{string.Join(",", t.shape)}], expected [{string.Join(",", shape)}].", name);
        var m1 = muA.to(ScalarType.Float64, CPU); var m2 = muB.to(ScalarType.Float64, CPU);
        var s1 = covA.to(ScalarType.Float64, CPU); var s2 = covB.to(ScalarType.Float64, CPU);

        double meanTerm = (m1 - m2).square().sum().item<double>();
        double traces = s1.trace().item<double>() + s2.trace().item<double>();
        double result = meanTerm + traces - 2 * TraceSqrtProduct(s1, s2);
        // Round-off can leave a tiny negative value for identical sets; a distance is never below 0.
        return Math.Max(result, 0);
    }

    /// <summary>
    /// tr((S1 S2)^(1/2)) for symmetric PSD S1, S2. S1 S2 is similar to S1^(1/2) S2 S1^(1/2), which is
    /// symmetric PSD, so its eigenvalues come from eigvalsh; negative round-off eigenvalues are clipped
    /// to 0, which keeps rank-deficient covariances (few samples) well defined.
    /// </summary>
    public static double TraceSqrtProduct(Tensor s1, Tensor s2)
    {
        using var scope = NewDisposeScope();
        var (w, v) = linalg.eigh(Symmetrise(s1));
        var sqrt1 = (v * w.clamp_min(0).sqrt().unsqueeze(0)).matmul(v.t());
        var m = Symmetrise(sqrt1.matmul(s2).matmul(sqrt1));
        return linalg.eigvalsh(m).clamp_min(0).sqrt().sum().item<double>();
    }

    static Tensor Symmetrise(Tensor m) => (m + m.t()) * 0.5;
}
