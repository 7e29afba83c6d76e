using GenMerge.Core.Data;
using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using GenMerge.Core.Tests.Models;
using GenMerge.Core.Training;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Training;

public class FreezeDiscriminatorTests
{
    /// <summary>Largest change of each D parameter over a few training steps with <paramref name="freeze"/> blocks frozen.</summary>
    static Dictionary<string, float> MovedBy(ModelConfig config, int freeze)
    {
        using var model = GanModel.Create(config, seed: 2);
        var before = model.D.named_parameters().ToDictionary(x => x.name, x => x.parameter.detach().clone());
        var data = new UnconditionalData(ProceduralDomain.Create("rings", 16, 7));
        // R1 on the first step: its gradient runs through the frozen blocks to the images.
        using (var t = new GanTrainer(model, data, new TrainOptions { BatchSize = 4, R1Gamma = 1, R1Interval = 2, FreezeD = freeze }, CPU))
            t.Train(3);
        var moved = model.D.named_parameters().ToDictionary(x => x.name, x => (x.parameter - before[x.name]).abs().max().item<float>());
        foreach (var b in before.Values) b.Dispose();
        return moved;
    }

    [Theory]
    [InlineData(ModelConfig.Compact)]
    [InlineData(ModelConfig.StyleGan2)]
    public void Frozen_blocks_stay_bit_identical_and_the_rest_of_D_trains(string family)
    {
        var config = TinyModels.Config(family);
        var frozen = MovedBy(config, freeze: 1);
        var b16 = frozen.Where(x => x.Key.StartsWith("b16.")).ToList();
        Assert.NotEmpty(b16);
        Assert.All(b16, x => Assert.True(x.Value == 0, $"{x.Key} moved by {x.Value}"));
        Assert.Contains(frozen, x => x.Key.StartsWith("b8.") && x.Value > 1e-5);
        Assert.Contains(frozen, x => x.Key.StartsWith("b4.") && x.Value > 1e-5);
        // Without Freeze-D the same steps move b16: the check above can fail.
        Assert.Contains(MovedBy(config, freeze: 0), x => x.Key.StartsWith("b16.") && x.Value > 1e-5);
    }

    [Fact]
    public void Freezing_more_blocks_than_D_has_is_refused_with_the_blocks_named()
    {
        using var model = GanModel.Create(TinyModels.Config(ModelConfig.Compact), seed: 2);
        var data = new UnconditionalData(ProceduralDomain.Create("rings", 16, 7));
        var e = Assert.Throws<ArgumentException>(() => new GanTrainer(model, data, new TrainOptions { FreezeD = 3 }, CPU));
        Assert.Contains("freeze_d: 3 blocks, but a 16 px D has 2 before its 4x4 epilogue (b16, b8); expected 0..2", e.Message);
        Assert.Equal(new[] { "b32", "b16", "b8" }, FreezeDiscriminator.Blocks(32, FreezeDiscriminator.MaxBlocks(32)));
    }

    [Fact]
    public void Merge_settings_pass_freeze_d_to_every_job_and_union_refuses_it()
    {
        var s = new MergeSettings { Method = MergeMethod.Transfer, FreezeD = 2 }.Validate(2);
        Assert.Equal(2, s.Training(100, 16).FreezeD);
        Assert.Equal(2, s.Training(100, 16, rooting: true).FreezeD);
        var e = Assert.Throws<ArgumentException>(() => (s with { Method = MergeMethod.Union }).Validate(2));
        Assert.Contains("freeze_d: 2, but method 'union' trains D from random init", e.Message);
        e = Assert.Throws<ArgumentException>(() => (s with { FreezeD = -1 }).Validate(2));
        Assert.Contains("freeze_d: -1 must be >= 0", e.Message);
    }
}
