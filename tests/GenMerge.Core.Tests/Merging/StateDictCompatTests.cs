using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Merging;

public class StateDictCompatTests
{
    [Fact]
    public void Config_differences_name_every_differing_field()
    {
        var a = ModelConfig.Default(ModelConfig.Compact, 16);
        Assert.Empty(StateDictCompat.ConfigDifferences(a, a with { }));
        var diffs = StateDictCompat.ConfigDifferences(a, a with { CDim = 3, ZDim = 32 });
        Assert.Equal(["z_dim: 64 vs 32", "c_dim: 0 vs 3"], diffs);
        var ex = Assert.Throws<ArgumentException>(() =>
            StateDictCompat.CheckConfigs(a, ModelConfig.Default(ModelConfig.StyleGan2, 16), "root", "model 1"));
        Assert.Contains("family: compact vs stylegan2", ex.Message);
        Assert.Contains("between root and model 1", ex.Message);
    }

    [Fact]
    public void Long_key_lists_are_cut_to_the_first_names()
    {
        var a = new Dictionary<string, Tensor>();
        var b = Enumerable.Range(0, 8).ToDictionary(i => $"t{i}", _ => zeros(1));
        var ex = Assert.Throws<ArgumentException>(() => StateDictCompat.Check(a, b, "x", "y"));
        Assert.Contains("extra in y (absent from x): 't0', 't1', 't2', 't3', 't4' (+3 more)", ex.Message);
    }
}
