using GenMerge.Core.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Metrics;

public class KernelDistanceTests
{
    [Fact]
    public void Same_distribution_gives_about_zero_and_a_shift_gives_a_clear_positive_value()
    {
        using var scope = NewDisposeScope();
        var gen = new torch.Generator(7);
        var a = torch.randn(400, 32, generator: gen);
        var a2 = torch.randn(400, 32, generator: gen);
        var shifted = torch.randn(400, 32, generator: gen) + 0.5;

        var same = KernelDistance.Compute(a, a2, subsets: 20, subsetSize: 200, seed: 1);
        var diff = KernelDistance.Compute(a, shifted, subsets: 20, subsetSize: 200, seed: 1);
        Assert.True(Math.Abs(same.Mean) < 0.02, $"KID same distribution = {same.Mean}");
        Assert.True(diff.Mean > 0.1 && diff.Mean > 10 * diff.Std, $"KID shifted = {diff.Mean} ± {diff.Std}");

        // Subsets of one set overlap, and shared points raise the cross term, so KID(A,A) is slightly negative.
        var self = KernelDistance.Compute(a, a, subsets: 5, subsetSize: 100, seed: 2);
        Assert.True(self.Mean <= 0.02 && Math.Abs(self.Mean) < 0.1 * diff.Mean, $"KID(A,A) = {self.Mean}, shifted {diff.Mean}");
        var whole = KernelDistance.Compute(a, a, subsets: 1, subsetSize: 400, seed: 2);
        Assert.True(whole.Mean < 0 && Math.Abs(whole.Mean) < 0.1 * diff.Mean, $"KID(A,A) on the whole set = {whole.Mean}");
    }

    [Fact]
    public void Results_are_reproducible_for_a_seed()
    {
        using var scope = NewDisposeScope();
        var gen = new torch.Generator(8);
        var a = torch.randn(100, 8, generator: gen);
        var b = torch.randn(100, 8, generator: gen) * 2;
        var r1 = KernelDistance.Compute(a, b, subsets: 4, subsetSize: 50, seed: 3);
        var r2 = KernelDistance.Compute(a, b, subsets: 4, subsetSize: 50, seed: 3);
        Assert.Equal(r1, r2);
        Assert.True(r1.Std > 0);
    }

    [Fact]
    public void Unbiased_mmd_matches_a_direct_double_sum()
    {
        using var scope = NewDisposeScope();
        var gen = new torch.Generator(9);
        var x = torch.randn(5, 3, dtype: ScalarType.Float64, generator: gen);
        var y = torch.randn(5, 3, dtype: ScalarType.Float64, generator: gen) + 1;
        var xs = x.data<double>().ToArray(); var ys = y.data<double>().ToArray();
        double K(double[] p, int i, double[] q, int j)
        {
            double dot = 0;
            for (int t = 0; t < 3; t++) dot += p[i * 3 + t] * q[j * 3 + t];
            return Math.Pow(dot / 3 + 1, 3);
        }
        int m = 5; double xx = 0, yy = 0, xy = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
            {
                if (i != j) { xx += K(xs, i, xs, j); yy += K(ys, i, ys, j); }
                xy += K(xs, i, ys, j);
            }
        double expected = xx / (m * (m - 1)) + yy / (m * (m - 1)) - 2 * xy / (m * m);
        Assert.Equal(expected, KernelDistance.UnbiasedMmd2(x, y), 9);
    }
}
