using GenMerge.Core.Merging;
using TorchSharp;
using static GenMerge.Core.Tests.Merging.MergeTestHelpers;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Merging;

public class WeightDistanceTests
{
    private static void FillParameters(nn.Module m, double value)
    {
        using var _ = no_grad();
        foreach (var p in m.parameters()) p.fill_(value);
    }

    [Fact]
    public void Identical_models_are_at_distance_zero()
    {
        var a = new TinyNet(1);
        var r = WeightDistance.Compute(a, new TinyNet(1));
        Assert.Equal(4, r.Layers.Count); // parameters only, buffers are not counted
        Assert.Equal(0, r.MeanL2);
        Assert.Equal(0, r.MeanRelative);
    }

    [Fact]
    public void Matches_a_hand_computation()
    {
        // a = 1 everywhere, b = 3 everywhere: each layer ||a-b|| = 2 sqrt(n), ||a|| = sqrt(n), relative 2.
        var a = new TinyNet(1); var b = new TinyNet(2);
        FillParameters(a, 1); FillParameters(b, 3);
        var r = WeightDistance.Compute(a, b);
        var byName = r.Layers.ToDictionary(l => l.Name);
        Assert.Equal(2 * Math.Sqrt(6), byName["fc.weight"].L2, 1e-9);
        Assert.Equal(2 * Math.Sqrt(2), byName["fc.bias"].L2, 1e-9);
        Assert.Equal(2 * Math.Sqrt(8), byName["conv.weight"].L2, 1e-9);
        Assert.Equal([2L, 1, 2, 2], byName["conv.weight"].Shape);
        Assert.Equal(2 * (Math.Sqrt(6) + Math.Sqrt(2) + Math.Sqrt(8) + Math.Sqrt(2)) / 4, r.MeanL2, 1e-9);
        Assert.Equal(2, r.MeanRelative, 1e-9);
        Assert.Equal(r.MeanL2, WeightDistance.MeanL2(a, b));
    }

    [Fact]
    public void Matches_an_elementwise_computation_on_random_models()
    {
        var a = new TinyNet(1); var b = new TinyNet(2);
        var r = WeightDistance.Compute(a, b);
        foreach (var layer in r.Layers)
        {
            var va = Values(a.state_dict()[layer.Name]);
            var vb = Values(b.state_dict()[layer.Name]);
            double diff = Math.Sqrt(va.Zip(vb, (x, y) => (x - y) * (x - y)).Sum());
            double norm = Math.Sqrt(va.Sum(x => x * x));
            Assert.Equal(diff, layer.L2, 1e-9);
            Assert.Equal(diff / norm, layer.Relative, 1e-9);
        }
        Assert.Equal(r.Layers.Average(l => l.Relative), WeightDistance.MeanRelative(a, b), 1e-12);
    }

    [Fact]
    public void Refuses_mismatched_models()
    {
        var ex = Assert.Throws<ArgumentException>(() => WeightDistance.Compute(new TinyNet(1), new TinyNet(2, fcIn: 6)));
        Assert.Contains("'fc.weight'", ex.Message);
        Assert.Contains("[2, 6] in model b", ex.Message);
    }
}
