using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using TorchSharp;
using static GenMerge.Core.Tests.Merging.MergeTestHelpers;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Merging;

public class WeightAveragingTests
{
    private static readonly string[] FloatEntries = ["fc.weight", "fc.bias", "conv.weight", "conv.bias", "running"];

    [Fact]
    public void Mean_of_two_covers_parameters_and_float_buffers_and_copies_int_buffers_from_the_first()
    {
        var a = new TinyNet(1); var b = new TinyNet(2); var into = new TinyNet(3);
        WeightAveraging.Average([a, b], into);
        var sd = into.state_dict();
        Assert.Equal(FloatEntries.Length + 1, sd.Count);
        foreach (var name in FloatEntries)
            AssertClose(ExpectedMean([a, b], name, [0.5, 0.5]), Values(sd[name]), 1e-6, name);
        Assert.Equal(1L, sd["steps"].item<long>());
        Assert.Equal(ScalarType.Float32, sd["fc.weight"].dtype);
        Assert.Equal(ScalarType.Int64, sd["steps"].dtype);
    }

    [Fact]
    public void Weighted_mean_of_three_normalises_the_weights()
    {
        var models = new[] { new TinyNet(1), new TinyNet(2), new TinyNet(3) };
        var into = new TinyNet(4);
        WeightAveraging.Average(models, into, [1, 2, 1]);
        var sd = into.state_dict();
        foreach (var name in FloatEntries)
            AssertClose(ExpectedMean(models, name, [0.25, 0.5, 0.25]), Values(sd[name]), 1e-6, name);

        WeightAveraging.Average(models, into); // uniform
        foreach (var name in FloatEntries)
            AssertClose(ExpectedMean(models, name, [1.0 / 3, 1.0 / 3, 1.0 / 3]), Values(into.state_dict()[name]), 1e-6, name);
    }

    [Fact]
    public void Averaging_a_model_with_itself_is_the_identity_even_in_place()
    {
        var a = new TinyNet(7); var into = new TinyNet(8);
        WeightAveraging.Average([a, a, a], into);
        foreach (var (name, t) in a.state_dict())
            Assert.True(t.eq(into.state_dict()[name]).all().item<bool>(), name);

        var before = a.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        WeightAveraging.Average([a, a], a);
        foreach (var (name, t) in before)
            Assert.True(t.eq(a.state_dict()[name]).all().item<bool>(), name);
    }

    [Fact]
    public void Gradients_are_not_recorded_and_parameters_stay_leaves()
    {
        var into = new TinyNet(3);
        WeightAveraging.Average([new TinyNet(1), new TinyNet(2)], into);
        foreach (var p in into.parameters())
        {
            Assert.True(p.requires_grad);
            Assert.True(p.is_leaf);
        }
    }

    [Fact]
    public void Refuses_different_shapes_naming_tensor_and_both_shapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => WeightAveraging.Average([new TinyNet(1), new TinyNet(2, fcIn: 4)], new TinyNet(3)));
        Assert.Contains("'fc.weight'", ex.Message);
        Assert.Contains("[2, 3] in model 0", ex.Message);
        Assert.Contains("[2, 4] in model 1", ex.Message);
    }

    [Fact]
    public void Refuses_different_keys_listing_extra_and_missing_names()
    {
        var extra = Assert.Throws<ArgumentException>(() =>
            WeightAveraging.Average([new TinyNet(1), new TinyNet(2, extraLayer: true)], new TinyNet(3)));
        Assert.Contains("extra in model 1", extra.Message);
        Assert.Contains("'fc2.weight'", extra.Message);
        Assert.Contains("'fc2.bias'", extra.Message);

        var missing = Assert.Throws<ArgumentException>(() =>
            WeightAveraging.Average([new TinyNet(1, extraLayer: true), new TinyNet(2)], new TinyNet(3, extraLayer: true)));
        Assert.Contains("missing in model 1", missing.Message);
        Assert.Contains("'fc2.weight'", missing.Message);

        var target = Assert.Throws<ArgumentException>(() =>
            WeightAveraging.Average([new TinyNet(1), new TinyNet(2)], new TinyNet(3, extraLayer: true)));
        Assert.Contains("extra in target", target.Message);
    }

    [Fact]
    public void Refuses_different_dtypes()
    {
        var b = new TinyNet(2);
        b.to(ScalarType.Float64);
        var ex = Assert.Throws<ArgumentException>(() => WeightAveraging.Average([new TinyNet(1), b], new TinyNet(3)));
        Assert.Contains("Float32 in model 0", ex.Message);
        Assert.Contains("Float64 in model 1", ex.Message);
    }

    [Fact]
    public void Refuses_bad_weights()
    {
        TinyNet[] models = [new TinyNet(1), new TinyNet(2)];
        Assert.Contains("3 weights for 2 models",
            Assert.Throws<ArgumentException>(() => WeightAveraging.Average(models, new TinyNet(3), [1, 1, 1])).Message);
        Assert.Contains("weights[1]",
            Assert.Throws<ArgumentException>(() => WeightAveraging.Average(models, new TinyNet(3), [1, -1])).Message);
        Assert.Contains("all weights are zero",
            Assert.Throws<ArgumentException>(() => WeightAveraging.Average(models, new TinyNet(3), [0, 0])).Message);
        Assert.Throws<ArgumentException>(() => WeightAveraging.Average(Array.Empty<nn.Module>(), new TinyNet(3)));
    }

    [Fact]
    public void GanModel_average_fills_G_D_and_G_ema_separately_and_records_provenance()
    {
        using var a = Gan(1); using var b = Gan(2); using var into = Gan(3);
        WeightAveraging.Average([a, b], into, parentHashes: ["aa", "bb"]);
        foreach (var (get, names) in new (Func<GanModel, nn.Module>, string[])[]
                 {
                     (m => m.G, ["fc.weight", "fc.bias", "w_avg"]),
                     (m => m.D, ["conv.weight", "conv.bias"]),
                     (m => m.GEma, ["fc.weight", "fc.bias", "w_avg"]),
                 })
            foreach (var name in names)
                AssertClose(ExpectedMean([get(a), get(b)], name, [0.5, 0.5]), Values(get(into).state_dict()[name]), 1e-6, name);
        Assert.Equal("average", into.Provenance.Kind);
        Assert.Equal(["aa", "bb"], into.Provenance.Parents);
        Assert.Equal("0.5,0.5", into.Provenance.Notes["weights"]);
    }

    [Fact]
    public void GanModel_average_refuses_different_configs_naming_the_field()
    {
        using var a = Gan(1); using var b = Gan(2, Config(cDim: 2)); using var into = Gan(3);
        var ex = Assert.Throws<ArgumentException>(() => WeightAveraging.Average([a, b], into));
        Assert.Contains("c_dim: 0 vs 2", ex.Message);
        // The factory-building overload refuses before it builds anything.
        var ex2 = Assert.Throws<ArgumentException>(() => WeightAveraging.Average([a, b], seed: 5));
        Assert.Contains("c_dim", ex2.Message);
        Assert.Contains("2 hashes for 1 parents",
            Assert.Throws<ArgumentException>(() => WeightAveraging.Average([a], into, parentHashes: ["x", "y"])).Message);
    }
}
