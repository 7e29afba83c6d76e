using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using GenMerge.Core.Models.Compact;
using GenMerge.Core.Models.StyleGan2;
using GenMerge.Core.Tests.Models;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Merging;

/// <summary>Merges of one-class sources (c_dim 1, GAN Cocktail's own source format) at init, before fine-tuning.</summary>
public class OneClassSourceMergeTests
{
    static GanModel Source(string family, long seed, string? dConditioning = null)
    {
        var cfg = TinyModels.Config(family, 1);
        if (dConditioning != null) cfg = cfg with { DConditioning = dConditioning };
        var m = GanModel.Create(cfg, seed);
        using (no_grad()) // trained-looking class inputs: non-zero, different biases, G_ema apart from G
        {
            foreach (var p in m.GEma.parameters()) p.add_(randn_like(p) * 0.05);
            foreach (var (name, p) in m.D.named_parameters())
                if (name.Contains("embed") || name.StartsWith("cmap")) p.copy_(randn_like(p));
            foreach (var (name, p) in m.G.named_parameters().Concat(m.GEma.named_parameters()))
                if (name.Contains("embed.bias")) p.copy_(randn_like(p));
        }
        return m;
    }

    public static TheoryData<string, string, string?> Cases => new()
    {
        { ModelConfig.Compact, MergeMethod.Average, null },
        { ModelConfig.Compact, MergeMethod.Cocktail, null },
        { ModelConfig.StyleGan2, MergeMethod.Average, null },
        { ModelConfig.StyleGan2, MergeMethod.Cocktail, null },
        { ModelConfig.StyleGan2, MergeMethod.Average, ModelConfig.DCondProjection },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Merging_a_one_class_model_with_itself_gives_every_class_the_sources_class_0(string family, string method, string? dCond)
    {
        using var source = Source(family, 31, dCond);
        var pair = new[] { source, source };
        using var merged = MergeInit.Build(method, pair, MergeMethod.UsesRooting(method) ? pair : null, 0, new[] { "a", "b" }, seed: 5);
        Assert.Equal(2, merged.Config.CDim);
        var (g, d) = Conditioning.ParameterCounts(source);
        var (addG, addD) = Conditioning.AddedParameterCounts(source.Config, 2);
        Assert.Equal((g + addG, d + addD), Conditioning.ParameterCounts(merged));

        using var _ = NewDisposeScope();
        var z = TinyModels.Z(4, source.Config);
        var img = TinyModels.Images(4, source.Config);
        foreach (var m in new[] { source, merged })
        {
            TinyModels.Deterministic(m.G); TinyModels.Deterministic(m.GEma);
            m.G.eval(); m.D.eval();
        }
        var c0 = ClassVectors.OneHot(0, 1, 4);
        for (int k = 0; k < 2; k++)
        {
            var ck = ClassVectors.OneHot(k, 2, 4);
            TinyModels.AssertClose(source.G.forward(z, c0), merged.G.forward(z, ck), 1e-5, $"G class {k}");
            TinyModels.AssertClose(source.GEma.forward(z, c0), merged.GEma.forward(z, ck), 1e-5, $"G_ema class {k}");
            TinyModels.AssertClose(source.D.forward(img, c0), merged.D.forward(img, ck), 1e-5, $"D class {k}");
        }
    }

    [Theory]
    [InlineData(ModelConfig.Compact)]
    [InlineData(ModelConfig.StyleGan2)]
    public void Each_class_starts_from_its_sources_class_0_embedding(string family)
    {
        using var a = Source(family, 32);
        using var b = Source(family, 33);
        using var merged = MergeInit.Build(MergeMethod.Average, new[] { a, b }, null, 0, new[] { "a", "b" }, seed: 5);
        using var _ = NewDisposeScope();
        var sources = new[] { a, b };
        for (int k = 0; k < 2; k++)
        {
            TinyModels.AssertClose(Embedding(sources[k].G, 0, 1), Embedding(merged.G, k, 2), 1e-5, $"G embedding class {k}");
            TinyModels.AssertClose(Embedding(sources[k].GEma, 0, 1), Embedding(merged.GEma, k, 2), 1e-5, $"G_ema embedding class {k}");
        }
    }

    static Tensor Embedding(GenMerge.Core.Models.Generator g, int k, int cDim)
    {
        var c = ClassVectors.OneHot(k, cDim, 1);
        return g switch
        {
            StyleGan2Generator s => s.Mapping.Embed!.forward(c),
            CompactGenerator cg => cg.Embed!.forward(c),
            _ => throw new ArgumentException(g.GetType().Name),
        };
    }

    [Fact]
    public void Source_check_takes_one_class_sources_and_refuses_a_different_architecture()
    {
        var one = TinyModels.Config(ModelConfig.StyleGan2, 1);
        SourceCheck.Compatible(new[] { one, one }, new[] { "cats", "dogs" });
        // Multi-class and mixed sources merge now (MultiClassMergeTests); a different architecture still does not.
        var e = Assert.Throws<ArgumentException>(() => SourceCheck.Compatible(new[] { one, one with { ZDim = one.ZDim * 2 } }, new[] { "cats", "dogs" }));
        Assert.Contains("models[1] (dogs): incompatible with models[0] (cats): z_dim", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
