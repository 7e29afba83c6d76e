using GenMerge.Core.Merging;
using static GenMerge.Core.Tests.Merging.MergeTestHelpers;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Merging;

public class TiesMergingTests
{
    // Hand-worked example, density 0.5 (keep 2 of 4 entries per delta):
    //   tau1 = [ 3, -1, 0.5,  2  ]  -> trimmed [ 3,  0,  0, 2]
    //   tau2 = [-2, -4, 1,   -1  ]  -> trimmed [-2, -4,  0, 0]
    //   tau3 = [ 5,  2, -3,   0.2]  -> trimmed [ 5,  0, -3, 0]
    //   sum of trimmed = [6, -4, -3, 2] -> elected signs [+, -, -, +]
    //   disjoint mean: e0 = (3 + 5) / 2 = 4 (the -2 disagrees), e1 = -4, e2 = -3, e3 = 2
    private static readonly double[][] Taus = [[3, -1, 0.5, 2], [-2, -4, 1, -1], [5, 2, -3, 0.2]];

    [Fact]
    public void Trim_keeps_the_largest_magnitudes()
    {
        AssertClose([3, 0, 0, 2], Values(TiesMerging.Trim(tensor(Taus[0]), 0.5)));
        AssertClose([5, 0, 0, 0], Values(TiesMerging.Trim(tensor(Taus[2]), 0.25)));
        // 0.3 * 10 must keep exactly 3 entries despite floating-point rounding.
        var kept = Values(TiesMerging.Trim(arange(1.0, 11.0, float64), 0.3));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 8, 9, 10], kept);
        AssertClose(Taus[1], Values(TiesMerging.Trim(tensor(Taus[1]), 1.0)));
    }

    [Fact]
    public void MergeDeltas_matches_the_hand_worked_example()
    {
        var merged = TiesMerging.MergeDeltas(Taus.Select(t => tensor(t)).ToList(), 0.5);
        AssertClose([4, -4, -3, 2], Values(merged), 1e-12);
    }

    [Fact]
    public void Module_merge_applies_root_plus_lambda_times_delta_and_averages_buffers()
    {
        var root = new VecNet([1, 1, 1, 1], [0, 0]);
        var models = Taus.Select((t, k) => new VecNet(t.Select(x => 1 + x).ToArray(), [k, 10 * k])).ToList();
        var into = new VecNet([0, 0, 0, 0], [0, 0]);
        TiesMerging.Merge(root, models, into, density: 0.5, lambda: 0.5);
        AssertClose([3, -1, -0.5, 2], Values(into.state_dict()["w"]), 1e-6, "w");
        AssertClose([1, 10], Values(into.state_dict()["b"]), 1e-6, "b"); // mean of [0,0],[1,10],[2,20]
    }

    [Fact]
    public void Task_arithmetic_adds_lambda_times_the_sum_of_deltas()
    {
        var root = new VecNet([1, 1, 1, 1], [0, 0]);
        var models = Taus.Select(t => new VecNet(t.Select(x => 1 + x).ToArray(), [3, 3])).ToList();
        var into = new VecNet([0, 0, 0, 0], [0, 0]);
        TaskArithmetic.Merge(root, models, into, lambda: 0.5);
        // sum of taus = [6, -3, -1.5, 1.2]
        AssertClose([4, -0.5, 0.25, 1.6], Values(into.state_dict()["w"]), 1e-6, "w");
        AssertClose([3, 3], Values(into.state_dict()["b"]), 1e-6, "b");
    }

    [Fact]
    public void GanModel_task_arithmetic_with_one_model_and_lambda_one_returns_it()
    {
        using var root = Gan(1); using var model = Gan(2); using var into = Gan(3);
        TaskArithmetic.Merge(root, [model], into, lambda: 1.0);
        foreach (var (name, t) in model.G.state_dict())
            AssertClose(Values(t), Values(into.G.state_dict()[name]), 1e-7, name);
        Assert.Equal("task_arithmetic", into.Provenance.Kind);
        Assert.Equal("1", into.Provenance.Notes["lambda"]);
    }

    [Fact]
    public void MergeDeltas_refuses_deltas_of_different_shapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => TiesMerging.MergeDeltas([zeros(4), zeros(3)], 0.5));
        Assert.Contains("deltas[1]: shape [3] vs [4]", ex.Message);
    }

    [Fact]
    public void Density_one_with_a_single_model_returns_that_model()
    {
        var root = new TinyNet(1); var model = new TinyNet(2); var into = new TinyNet(3);
        TiesMerging.Merge(root, [model], into, density: 1.0, lambda: 1.0);
        foreach (var (name, t) in model.state_dict())
            AssertClose(Values(t), Values(into.state_dict()[name]), 1e-7, name);
        Assert.Equal(2L, into.state_dict()["steps"].item<long>());
    }

    [Fact]
    public void Refuses_mismatched_models_and_bad_settings()
    {
        var ex = Assert.Throws<ArgumentException>(() => TiesMerging.Merge(new TinyNet(1), [new TinyNet(2, fcIn: 5)], new TinyNet(3)));
        Assert.Contains("'fc.weight'", ex.Message);
        Assert.Contains("[2, 5] in model 0", ex.Message);
        Assert.Contains("density", Assert.Throws<ArgumentException>(() =>
            TiesMerging.Merge(new TinyNet(1), [new TinyNet(2)], new TinyNet(3), density: 0)).Message);
        Assert.Contains("at least one", Assert.Throws<ArgumentException>(() =>
            TiesMerging.Merge(new TinyNet(1), Array.Empty<TinyNet>(), new TinyNet(3))).Message);
    }

    [Fact]
    public void GanModel_ties_merges_every_network_and_records_provenance()
    {
        using var root = Gan(1); using var model = Gan(2); using var into = Gan(3);
        TiesMerging.Merge(root, [model], into, density: 1.0, lambda: 1.0, parentHashes: ["r", "m"]);
        foreach (var (name, t) in model.D.state_dict())
            AssertClose(Values(t), Values(into.D.state_dict()[name]), 1e-7, name);
        foreach (var (name, t) in model.GEma.state_dict())
            AssertClose(Values(t), Values(into.GEma.state_dict()[name]), 1e-7, name);
        Assert.Equal("ties", into.Provenance.Kind);
        Assert.Equal(["r", "m"], into.Provenance.Parents);
        Assert.Contains("c_dim", Assert.Throws<ArgumentException>(() =>
            TiesMerging.Merge(root, [Gan(4, Config(cDim: 3))], into)).Message);
    }
}
