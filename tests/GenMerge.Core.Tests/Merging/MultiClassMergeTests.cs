using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using GenMerge.Core.Models.Compact;
using GenMerge.Core.Models.StyleGan2;
using GenMerge.Core.Tests.Models;
using GenMerge.Core.Training;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Merging;

/// <summary>Merges of sources of any c_dim (multi-class, mixed, incremental) at init, before fine-tuning.</summary>
public class MultiClassMergeTests
{
    /// <summary>A tiny model whose class inputs look trained: random embedding columns and biases, G_ema apart from G.</summary>
    static GanModel Source(string family, int cDim, long seed, IReadOnlyList<string>? classNames = null)
    {
        var m = GanModel.Create(TinyModels.Config(family, cDim), seed, classNames);
        using (no_grad())
        {
            foreach (var p in m.GEma.parameters()) p.add_(randn_like(p) * 0.05);
            foreach (var (name, p) in m.G.named_parameters().Concat(m.GEma.named_parameters()).Concat(m.D.named_parameters()))
                if (name.Contains("embed") || name.StartsWith("cmap")) p.copy_(randn_like(p));
        }
        return m;
    }

    /// <summary>A stand-in for a rooted copy: the conditioned root with every weight moved a little.</summary>
    static GanModel Rooted(GanModel conditionedRoot)
    {
        var r = ModelCopy.Clone(conditionedRoot);
        using (no_grad())
            foreach (var p in r.G.parameters().Concat(r.GEma.parameters()).Concat(r.D.parameters())) p.add_(randn_like(p) * 0.02);
        return r;
    }

    /// <summary>What the class embedding gives for one-hot k (weight * gain + bias): the class input the rest of the network sees.</summary>
    static Tensor GEmbedding(GenMerge.Core.Models.Generator g, int k, int cDim)
    {
        var c = ClassVectors.OneHot(k, cDim, 1);
        return g switch
        {
            StyleGan2Generator s => s.Mapping.Embed!.forward(c),
            CompactGenerator cg => cg.Embed!.forward(c),
            _ => throw new ArgumentException(g.GetType().Name),
        };
    }

    /// <summary>D's class input for one-hot k: D.mapping.embed (stylegan2 reference layout) or the projection column (compact, not equalised).</summary>
    static Tensor DEmbedding(GanModel m, int k)
    {
        if (m.D is StyleGan2Discriminator d) return d.Mapping!.Embed!.forward(ClassVectors.OneHot(k, m.Config.CDim, 1));
        return m.D.state_dict()["cmap.weight"].select(1, k).clone();
    }

    static void AssertClassKept(GanModel from, int fromClass, GanModel merged, int mergedClass, string what)
    {
        TinyModels.AssertClose(GEmbedding(from.G, fromClass, from.Config.CDim), GEmbedding(merged.G, mergedClass, merged.Config.CDim), 1e-5, $"{what}: G");
        TinyModels.AssertClose(GEmbedding(from.GEma, fromClass, from.Config.CDim), GEmbedding(merged.GEma, mergedClass, merged.Config.CDim), 1e-5, $"{what}: G_ema");
        TinyModels.AssertClose(DEmbedding(from, fromClass), DEmbedding(merged, mergedClass), 1e-5, $"{what}: D");
    }

    [Fact]
    public void Classes_are_each_sources_classes_in_order_with_checkpoint_names()
    {
        var classes = MergeClasses.Of(["pets", "birds", "misc"], [2, 0, 3],
            [["cat", "dog"], null, null]);
        Assert.Equal(["cat", "dog", "birds", "misc-0", "misc-1", "misc-2"], classes.Select(c => c.Name));
        Assert.Equal([0, 0, 1, 2, 2, 2], classes.Select(c => c.Source));
        Assert.Equal([0, 1, null, 0, 1, 2], classes.Select(c => c.SourceClass));
        Assert.Equal(Enumerable.Range(0, 6), classes.Select(c => c.Index));
        Assert.Equal(3, MergeClasses.Offset(classes, 2));
        // A one-class source is named after the model, whatever its checkpoint calls its class.
        Assert.Equal(["a", "b"], MergeClasses.Of(["a", "b"], [1, 1], [["x"], ["x"]]).Select(c => c.Name));
        // Checkpoint names become artifact-safe.
        Assert.Equal("golden-retriever", MergeClasses.Of(["p", "q"], [2, 0], [["golden retriever", "cat"], null])[0].Name);
    }

    [Fact]
    public void Duplicate_class_names_are_refused_in_one_line_naming_both_sources()
    {
        var e = Assert.Throws<ArgumentException>(() => MergeClasses.Of(["merged", "rings"], [2, 0], [["rings", "squares"], null]));
        Assert.Contains("'rings'", e.Message);
        Assert.Contains("merged (class 0) and rings", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Only_multi_class_or_mixed_sources_take_the_class_extended_path()
    {
        Assert.False(MergeClasses.Extended([0, 0]));
        Assert.False(MergeClasses.Extended([1, 1, 1]));
        Assert.True(MergeClasses.Extended([0, 1]));
        Assert.True(MergeClasses.Extended([2, 0]));
        Assert.True(MergeClasses.Extended([2, 2]));
    }

    [Fact]
    public void Source_check_takes_any_c_dim_and_refuses_what_differs_once_conditional()
    {
        foreach (var family in TinyModels.Families)
        {
            var c0 = TinyModels.Config(family, 0);
            SourceCheck.Compatible([c0 with { CDim = 2 }, c0, c0 with { CDim = 1 }], ["pets", "cats", "dogs"]);
            SourceCheck.Compatible([c0 with { CDim = 3 }, c0 with { CDim = 3 }], ["a", "b"]);
        }
        var sg = TinyModels.Config(ModelConfig.StyleGan2, 0);
        var res = Assert.Throws<ArgumentException>(() => SourceCheck.Compatible([sg with { CDim = 2 }, sg with { Resolution = sg.Resolution * 2 }], ["pets", "big"]));
        Assert.Contains("models[1] (big): incompatible with models[0] (pets) once both are made conditional with 3 classes", res.Message);
        Assert.Contains("resolution", res.Message);
        // GenMerge's old projection D (a multi-class legacy checkpoint) does not meet the reference layout an unconditional source gets.
        var legacy = Assert.Throws<ArgumentException>(() =>
            SourceCheck.Compatible([sg with { CDim = 2, DConditioning = ModelConfig.DCondProjection }, sg], ["old", "new"]));
        Assert.Contains("d_conditioning", legacy.Message);
        Assert.DoesNotContain("\n", legacy.Message);
    }

    /// <summary>Issue 22 item 3: a K-class merged model plus one new source gives K + 1 classes, the first K kept.</summary>
    [Theory]
    [InlineData(ModelConfig.Compact, MergeMethod.Cocktail, 0)]
    [InlineData(ModelConfig.StyleGan2, MergeMethod.Cocktail, 0)]
    [InlineData(ModelConfig.Compact, MergeMethod.Cocktail, 1)]
    [InlineData(ModelConfig.StyleGan2, MergeMethod.Average, 1)]
    [InlineData(ModelConfig.Compact, MergeMethod.Ties, 0)]
    public void Incremental_merge_keeps_the_old_classes_embedding_and_seeds_the_new_one(string family, string method, int newCDim)
    {
        const int K = 2;
        using var old = Source(family, K, 41, ["rings", "squares"]);
        using var fresh = Source(family, newCDim, 42);
        var sources = new[] { old, fresh };
        var classes = SourceCheck.Classes(sources.Select(s => s.Config).ToList(), ["merged", "stripes"], [old.ClassNames, fresh.ClassNames]);
        Assert.Equal(["rings", "squares", "stripes"], classes.Select(c => c.Name));

        bool rooting = MergeMethod.UsesRooting(method);
        using var root = Conditioning.ToConditional(old, K + 1, classes.Select(c => c.Name).ToList(), seed: 3);
        using var rooted = Rooted(root);
        using var merged = MergeInit.Build(method, sources, rooting ? new[] { root, rooted } : null, 0, classes, seed: 3);

        Assert.Equal(K + 1, merged.Config.CDim);
        Assert.Equal(["rings", "squares", "stripes"], merged.ClassNames);
        var (g, d) = Conditioning.ParameterCounts(old);
        var (addG, addD) = Conditioning.AddedParameterCounts(old.Config, K + 1);
        Assert.Equal((g + addG, d + addD), Conditioning.ParameterCounts(merged));
        using var _ = NewDisposeScope();
        for (int k = 0; k < K; k++) AssertClassKept(old, k, merged, k, $"old class {k}");
        // The new class is seeded from the model that stands for it: its rooted copy, or (average) the new source itself.
        if (rooting) AssertClassKept(rooted, K, merged, K, "new class");
        else if (newCDim == 1) AssertClassKept(fresh, 0, merged, K, "new class");
        // The weights outside the class input are merged, not the old model's.
        var os = old.G.state_dict();
        var ms = merged.G.state_dict();
        var key = os.Keys.First(k => !k.Contains("embed") && k.EndsWith("weight") && os[k].shape.SequenceEqual(ms[k].shape));
        TinyModels.AssertDifferent(os[key], ms[key], 1e-6, $"averaged {key}");
    }

    [Theory]
    [InlineData(ModelConfig.Compact)]
    [InlineData(ModelConfig.StyleGan2)]
    public void A_multi_class_source_after_the_first_keeps_its_classes_at_their_merged_columns(string family)
    {
        using var first = Source(family, 1, 51);
        using var pets = Source(family, 2, 52, ["cat", "dog"]);
        var sources = new[] { first, pets };
        var classes = MergeClasses.Of(["birds", "pets"], [1, 2], [first.ClassNames, pets.ClassNames]);
        using var merged = MergeInit.Build(MergeMethod.AverageFinetune, sources, null, 0, classes, seed: 9);
        Assert.Equal(["birds", "cat", "dog"], merged.ClassNames);
        using var _ = NewDisposeScope();
        AssertClassKept(first, 0, merged, 0, "birds");
        AssertClassKept(pets, 0, merged, 1, "cat");
        AssertClassKept(pets, 1, merged, 2, "dog");
    }

    [Fact]
    public void Class_mix_data_labels_each_source_with_its_merged_index()
    {
        using var _ = NewDisposeScope();
        var a = new GenMerge.Core.Data.TensorImageSource(zeros(8, 3, 4, 4), 1, "a");
        var b = new GenMerge.Core.Data.TensorImageSource(ones(8, 3, 4, 4), 2, "b");
        var data = new ClassMixData([a, b], 5, labels: [3, 1], classes: 4);
        Assert.Equal(4, data.Classes);
        var (images, ids) = data.Next(32);
        var labels = ids!.data<long>().ToArray();
        Assert.All(labels, l => Assert.Contains(l, new long[] { 1, 3 }));
        Assert.Contains(3L, labels);
        Assert.Contains(1L, labels);
        for (int i = 0; i < labels.Length; i++)
            Assert.Equal(labels[i] == 3 ? 0f : 1f, images[i].mean().item<float>());
        Assert.Throws<ArgumentException>(() => new ClassMixData([a, b], 5, labels: [4, 1], classes: 4));
    }
}
