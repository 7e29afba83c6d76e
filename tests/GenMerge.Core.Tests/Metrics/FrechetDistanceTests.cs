using GenMerge.Core.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Metrics;

public class FrechetDistanceTests
{
    [Fact]
    public void Identical_sets_have_zero_distance_even_with_fewer_samples_than_dimensions()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        var a = torch.randn(200, 512).abs(); // N < D: singular covariance, like 200 samples of ResNet features
        double fid = FrechetDistance.Compute(a, a);
        Assert.InRange(fid, 0, 1e-6);
    }

    [Fact]
    public void Diagonal_Gaussians_match_the_closed_form()
    {
        using var scope = NewDisposeScope();
        // Closed form for diagonal covariances: |mu1-mu2|^2 + sum_i (s1_i - s2_i)^2.
        var mu1 = torch.tensor(new double[] { 0, 1, -2, 0.5 });
        var mu2 = torch.tensor(new double[] { 1, 1, 0, 0.5 });
        var s1 = torch.tensor(new double[] { 1, 2, 0.5, 3 });
        var s2 = torch.tensor(new double[] { 2, 1, 0.5, 1 });
        double expected = (mu1 - mu2).square().sum().item<double>() + (s1 - s2).square().sum().item<double>();

        double exact = FrechetDistance.FromStatistics(mu1, torch.diag(s1.square()), mu2, torch.diag(s2.square()));
        Assert.Equal(expected, exact, 9);

        var gen = new torch.Generator(11);
        var a = torch.randn(20000, 4, dtype: ScalarType.Float64, generator: gen) * s1 + mu1;
        var b = torch.randn(20000, 4, dtype: ScalarType.Float64, generator: gen) * s2 + mu2;
        double sampled = FrechetDistance.Compute(a.to(ScalarType.Float32), b.to(ScalarType.Float32));
        Assert.True(Math.Abs(sampled - expected) < 0.03 * expected, $"sampled FID {sampled}, closed form {expected}");
    }

    [Fact]
    public void Trace_of_sqrt_product_matches_the_eigenvalues_of_the_nonsymmetric_product()
    {
        using var scope = NewDisposeScope();
        var gen = new torch.Generator(3);
        var p = torch.randn(6, 6, dtype: ScalarType.Float64, generator: gen);
        var q = torch.randn(6, 6, dtype: ScalarType.Float64, generator: gen);
        var s1 = p.matmul(p.t()) + 0.1 * torch.eye(6, dtype: ScalarType.Float64);
        var s2 = q.matmul(q.t());
        // S1 S2 has real non-negative eigenvalues; tr sqrt = sum of their square roots.
        double expected = torch.linalg.eigvals(s1.matmul(s2)).real.clamp_min(0).sqrt().sum().item<double>();
        Assert.Equal(expected, FrechetDistance.TraceSqrtProduct(s1, s2), 6);
    }

    [Fact]
    public void Mismatched_feature_widths_are_rejected()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(torch.zeros(4, 8), torch.zeros(4, 9)));
        Assert.Contains("8", ex.Message);
        Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(torch.zeros(1, 8), torch.zeros(4, 8)));
    }
}
