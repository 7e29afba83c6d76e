using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using GenMerge.Core.Models.StyleGan2;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Models;

public class ConditioningTests
{
    /// <summary>
    /// A source whose G_ema differs from G, with non-zero noise strengths and a non-zero w_avg, so a conversion
    /// that copied from the wrong module or dropped buffers would show.
    /// </summary>
    private static GanModel Source(string family, int cDim, long seed)
    {
        var model = GanModel.Create(TinyModels.Config(family, cDim), seed);
        using (no_grad())
        {
            foreach (var (name, p) in model.GEma.named_parameters())
                p.add_(randn_like(p) * 0.05);
            foreach (var (name, p) in model.G.named_parameters().Concat(model.GEma.named_parameters()))
                if (name.EndsWith("noise_strength")) p.fill_(0.3);
            if (model.GEma is StyleGan2Generator se) se.Mapping.WAvg.copy_(randn(se.Mapping.WDim));
            if (model.G is StyleGan2Generator sg) sg.Mapping.WAvg.copy_(randn(sg.Mapping.WDim));
        }
        return model;
    }

    /// <summary>Asserts G, G_ema (psi 1 and 0.7, const noise) and D of converted reproduce source for the given classes.</summary>
    private static void AssertSameOutputs(GanModel source, GanModel converted, int sourceClasses, int checkClasses)
    {
        using var _ = NewDisposeScope();
        var cfg = source.Config;
        var z = TinyModels.Z(4, cfg);
        var img = TinyModels.Images(4, cfg);
        foreach (var m in new[] { source, converted })
        {
            TinyModels.Deterministic(m.G); TinyModels.Deterministic(m.GEma);
            m.G.eval(); m.D.eval(); // no w_avg update while comparing
        }
        for (int k = 0; k < checkClasses; k++)
        {
            var cNew = ClassVectors.OneHot(k, converted.Config.CDim, 4);
            var cOld = sourceClasses == 0 ? null : ClassVectors.OneHot(k, sourceClasses, 4);
            TinyModels.AssertClose(source.G.forward(z, cOld), converted.G.forward(z, cNew), 1e-5, $"G class {k}");
            TinyModels.AssertClose(source.GEma.forward(z, cOld), converted.GEma.forward(z, cNew), 1e-5, $"G_ema class {k}");
            TinyModels.AssertClose(source.GEma.forward(z, cOld, 0.7), converted.GEma.forward(z, cNew, 0.7), 1e-5, $"G_ema psi 0.7 class {k}");
            TinyModels.AssertClose(source.D.forward(img, cOld), converted.D.forward(img, cNew), 1e-5, $"D class {k}");
        }
    }

    [Theory]
    [InlineData(ModelConfig.Compact)]
    [InlineData(ModelConfig.StyleGan2)]
    public void Unconditional_to_conditional_reproduces_every_class_exactly(string family)
    {
        using var source = Source(family, 0, seed: 21);
        using var converted = Conditioning.ToConditional(source, 3, new[] { "a", "b", "c" });
        Assert.Equal(3, converted.Config.CDim);
        Assert.Equal(new[] { "a", "b", "c" }, converted.ClassNames);
        Assert.Equal("convert", converted.Provenance.Kind);
        Assert.DoesNotContain(converted.GEma.parameters(), p => p.requires_grad);
        AssertSameOutputs(source, converted, 0, 3);

        // G and G_ema share the new random embedding (stylegan2: in its bias, the same for every class); D's
        // projection starts at zero.
        string embed = family == ModelConfig.StyleGan2 ? "mapping.embed.bias" : "embed.weight";
        TinyModels.AssertClose(converted.G.state_dict()[embed], converted.GEma.state_dict()[embed], 0, "embed G vs G_ema");
        Assert.True(converted.G.state_dict()[embed].abs().sum().item<float>() > 0);
        Assert.Equal(0f, converted.D.state_dict()["cmap.weight"].abs().sum().item<float>());
    }

    [Fact]
    public void Stylegan2_class_columns_start_at_full_strength()
    {
        // The mapping trains at lr_multiplier 0.01: zero class columns would stay near zero for thousands of steps.
        using var source = Source(ModelConfig.StyleGan2, 0, seed: 21);
        using var converted = Conditioning.ToConditional(source, 2);
        long z = source.Config.ZDim;
        foreach (var g in new[] { converted.G, converted.GEma })
        {
            var fc0 = g.state_dict()["mapping.fc0.weight"];
            double zRms = fc0.narrow(1, 0, z).square().mean().sqrt().item<float>();
            double classRms = fc0.narrow(1, z, fc0.shape[1] - z).square().mean().sqrt().item<float>();
            Assert.True(classRms > 0.5 * zRms, $"class columns rms {classRms} against z columns {zRms}");
            Assert.Equal(0f, g.state_dict()["mapping.embed.weight"].abs().sum().item<float>());
        }
    }

    [Theory]
    [InlineData(ModelConfig.Compact)]
    [InlineData(ModelConfig.StyleGan2)]
    public void Extending_a_conditional_model_keeps_its_old_classes_exactly(string family)
    {
        using var source = Source(family, 2, seed: 22);
        using (no_grad()) // a trained-looking, non-zero projection, so its copy (and rescale) is tested
            foreach (var (name, p) in source.D.named_parameters())
                if (name == "cmap.weight") p.copy_(randn_like(p));
        using var converted = Conditioning.ToConditional(source, 4);
        AssertSameOutputs(source, converted, 2, 2);

        using var _ = NewDisposeScope();
        var cmap = converted.D.state_dict()["cmap.weight"];
        Assert.Equal(0f, cmap.narrow(1, 2, 2).abs().sum().item<float>());
        // A new class's D logit is the class-free logit out(h): the same for classes 2 and 3.
        var img = TinyModels.Images(4, converted.Config);
        TinyModels.AssertClose(converted.D.forward(img, ClassVectors.OneHot(2, 4, 4)), converted.D.forward(img, ClassVectors.OneHot(3, 4, 4)), 1e-6, "new classes in D");
    }

    [Theory]
    [InlineData(ModelConfig.Compact, 0, 3)]
    [InlineData(ModelConfig.Compact, 2, 5)]
    [InlineData(ModelConfig.StyleGan2, 0, 3)]
    [InlineData(ModelConfig.StyleGan2, 2, 5)]
    public void Parameters_grow_only_by_the_embedding_projection_and_new_input_columns(string family, int fromClasses, int toClasses)
    {
        using var source = GanModel.Create(TinyModels.Config(family, fromClasses), seed: 23);
        using var converted = Conditioning.ToConditional(source, toClasses);
        var before = Conditioning.ParameterCounts(source);
        var after = Conditioning.ParameterCounts(converted);
        var added = Conditioning.AddedParameterCounts(source.Config, toClasses);
        Assert.Equal(after.Generator - before.Generator, added.Generator);
        Assert.Equal(after.Discriminator - before.Discriminator, added.Discriminator);

        // The same numbers by hand: embed [E, C] + bias [E] + first-layer columns [out0, E]; cmap [cmap_dim, C].
        var cfg = source.Config;
        long e = cfg.EmbedDim;
        long out0 = family == ModelConfig.StyleGan2 ? cfg.WDim : 16L * 16; // compact: 16 channels at 4x4 -> fc out 16*4*4
        long cmapDim = family == ModelConfig.StyleGan2 ? 12 : 16;
        long expectedG = fromClasses == 0 ? toClasses * e + e + out0 * e : (toClasses - fromClasses) * e;
        Assert.Equal(expectedG, added.Generator);
        Assert.Equal((toClasses - fromClasses) * cmapDim, added.Discriminator);

        // Everything else has the same names and shapes.
        var newNames = new[] { "embed.weight", "embed.bias", "cmap.weight", "fc0.weight", "fc.weight" };
        foreach (var (name, t) in source.G.state_dict())
            if (!newNames.Any(n => name == n || name.EndsWith("." + n)))
                Assert.Equal(t.shape, converted.G.state_dict()[name].shape);
    }

    [Fact]
    public void Bad_conversions_are_rejected()
    {
        using var source = GanModel.Create(TinyModels.Config(ModelConfig.Compact, 3), seed: 24);
        Assert.StartsWith("c_dim: ", Assert.Throws<ArgumentException>(() => Conditioning.ToConditional(source, 2)).Message);
        Assert.StartsWith("c_dim: ", Assert.Throws<ArgumentException>(() => Conditioning.ToConditional(source, 0)).Message);
        Assert.StartsWith("class_names: ", Assert.Throws<ArgumentException>(() => Conditioning.ToConditional(source, 4, new[] { "x" })).Message);
    }
}
