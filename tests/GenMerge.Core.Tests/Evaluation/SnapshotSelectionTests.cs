using GenMerge.Core.Evaluation;
using GenMerge.Core.Merging;
using GenMerge.Core.Metrics;
using GenMerge.Core.Models;
using GenMerge.Core.Tests.Metrics;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Evaluation;

[Collection(ResNet18Collection.Name)]
public class SnapshotSelectionTests(ResNet18Fixture fx)
{
    [Fact]
    public void Pick_takes_the_lowest_worst_domain_ratio_not_the_lowest_sum_nor_the_last()
    {
        double[] floors = [50, 200];
        // Ratios: A 1.1 / 1.65, C 1.4 / 1.5, B 1.8 / 1.3. B has the lowest raw sum (350), A the best first
        // domain; C is the only one with every domain within 1.5x.
        IReadOnlyList<double>[] fids = [[55, 330], [70, 300], [90, 260]];
        Assert.Equal(1, SnapshotSelection.Pick(fids, floors));
        Assert.Equal(1.5, SnapshotSelection.WorstRatio(fids[1], floors), 12);
    }

    [Fact]
    public void Pick_prefers_the_later_checkpoint_on_a_tie()
    {
        IReadOnlyList<double>[] fids = [[60, 300], [60, 300], [90, 400]];
        Assert.Equal(1, SnapshotSelection.Pick(fids, [50, 200]));
    }

    [Fact]
    public void Bad_settings_name_the_field()
    {
        Assert.Contains("select: 'bestest' is not one of last, best",
            Assert.Throws<ArgumentException>(() => SnapshotSelection.Validate("bestest")).Message);
        Assert.Contains("select: 'bestest'",
            Assert.Throws<ArgumentException>(() => new MergeSettings { Select = "bestest" }.Validate(2)).Message);
        // Nothing to choose: average trains nothing; one segment leaves one checkpoint.
        Assert.Contains("method 'average' fine-tunes 0 steps here: none to choose from",
            Assert.Throws<ArgumentException>(() => new MergeSettings { Select = "best", Method = "average" }.Validate(2)).Message);
        Assert.Contains("fine-tunes 200 steps here: one to choose from",
            Assert.Throws<ArgumentException>(() => new MergeSettings { Select = "best", MergeSteps = 200 }.Validate(2)).Message);
        new MergeSettings { Select = "best", MergeSteps = 201 }.Validate(2);
        new MergeSettings { Select = "best", Method = "transfer", RootingSteps = 200, MergeSteps = 1 }.Validate(2);
        Assert.Contains("3 scores for 2 domains",
            Assert.Throws<ArgumentException>(() => SnapshotSelection.WorstRatio([1, 2, 3], [1, 2])).Message);
        Assert.Contains("no candidates", Assert.Throws<ArgumentException>(() => SnapshotSelection.Pick([], [1.0])).Message);
    }

    [Fact]
    public void A_class_that_reproduces_its_source_scores_near_the_floor_and_a_foreign_class_far_above_and_misclassified()
    {
        using var scope = NewDisposeScope();
        var cfg = new ModelConfig { Family = ModelConfig.Compact, Resolution = 16, ZDim = 16, EmbedDim = 8, ChannelBase = 4, ChannelMax = 16 };
        using var a = GanModel.Create(cfg, seed: 100);
        using var b = GanModel.Create(cfg, seed: 101);
        // Converting to two classes reproduces the source's images for every class before any fine-tuning.
        using var merged = Conditioning.ToConditional(a, 2);
        var ev = new Evaluator(fx.Batched, chunkSize: 16);
        const int n = 48;
        var (refA, floorA) = SnapshotSelection.Reference(ev, a.GEma, 0, n, seed: 3);
        var (refB, floorB) = SnapshotSelection.Reference(ev, b.GEma, 1, n, seed: 3);
        var (fids, accuracy) = SnapshotSelection.Score(ev, merged.GEma, [refA, refB], n, seed: 3);
        // Class 0 should look like source a (its own samples, other latents): as close as a's floor.
        Assert.InRange(fids[0], 0.5 * floorA, 2 * floorA);
        // Class 1 also draws a's images, so against b's samples it is far off.
        Assert.True(fids[1] > 2 * floorB, $"class 1 {fids[1]} vs floor of b {floorB}");
        // Domain accuracy: class 0 is taken for a; class 1 draws a's images too, so it is not taken for b.
        Assert.NotNull(accuracy);
        Assert.True(accuracy[0] >= 0.8, $"class 0 accuracy {accuracy[0]}");
        Assert.True(accuracy[1] <= 0.2, $"class 1 accuracy {accuracy[1]}");
        // Deterministic by seed: the same candidate scores the same.
        var again = SnapshotSelection.Score(ev, merged.GEma, [refA, refB], n, seed: 3);
        Assert.Equal(fids, again.FidR18);
        Assert.Equal(accuracy, again.Accuracy);
        // One class: no other domain to be mistaken for, so no accuracy.
        Assert.Null(SnapshotSelection.Score(ev, merged.GEma, [refA], n, seed: 3).Accuracy);
    }
}
