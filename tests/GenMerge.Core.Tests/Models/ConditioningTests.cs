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

        // G and G_ema share the new random embedding (stylegan2: in its bias, the same for every class); D's class
        // input starts at zero (compact: the projection; stylegan2: the weight of D.mapping's embedding, reference layout).
        string embed = family == ModelConfig.StyleGan2 ? "mapping.embed.bias" : "embed.weight";
        TinyModels.AssertClose(converted.G.state_dict()[embed], converted.GEma.state_dict()[embed], 0, "embed G vs G_ema");
        Assert.True(converted.G.state_dict()[embed].abs().sum().item<float>() > 0);
        Assert.Equal(0f, converted.D.state_dict()[DClassInput(family)].abs().sum().item<float>());
        if (family == ModelConfig.StyleGan2)
        {
            Assert.Equal(ModelConfig.DCondReference, converted.Config.DConditioning);
            Assert.DoesNotContain("cmap.weight", converted.D.state_dict().Keys);
        }
    }

    /// <summary>D's class-input weight: compact's projection, stylegan2's D.mapping embedding (reference layout).</summary>
    private static string DClassInput(string family) => family == ModelConfig.StyleGan2 ? "mapping.embed.weight" : "cmap.weight";

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
        using (no_grad()) // a trained-looking, non-zero class input of D, so its copy (and rescale) is tested
            foreach (var (name, p) in source.D.named_parameters())
                if (name == DClassInput(family)) p.copy_(randn_like(p));
        using var converted = Conditioning.ToConditional(source, 4);
        AssertSameOutputs(source, converted, 2, 2);

        using var _ = NewDisposeScope();
        var cmap = converted.D.state_dict()[DClassInput(family)];
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

        // The same numbers by hand: embed [E, C] + bias [E] + first-layer columns [out0, E]; D: compact cmap
        // [cmap_dim, C]; stylegan2 from unconditional (reference layout, K = cmap_dim = 12 channels at 4x4):
        // D.mapping embed [K, C] + [K], 8 fc layers [K, K] + [K], and b4.out growing from [1, 12] + [1] to [K, 12] + [K].
        var cfg = source.Config;
        long e = cfg.EmbedDim;
        long out0 = family == ModelConfig.StyleGan2 ? cfg.WDim : 16L * 16; // compact: 16 channels at 4x4 -> fc out 16*4*4
        long cmapDim = family == ModelConfig.StyleGan2 ? 12 : 16;
        long expectedG = fromClasses == 0 ? toClasses * e + e + out0 * e : (toClasses - fromClasses) * e;
        Assert.Equal(expectedG, added.Generator);
        long k = cmapDim;
        long expectedD = family == ModelConfig.StyleGan2 && fromClasses == 0
            ? toClasses * k + k + 8 * (k * k + k) + (k - 1) * (12 + 1)
            : (toClasses - fromClasses) * cmapDim;
        Assert.Equal(expectedD, added.Discriminator);

        // Everything else has the same names and shapes.
        var newNames = new[] { "embed.weight", "embed.bias", "cmap.weight", "fc0.weight", "fc.weight" };
        foreach (var (name, t) in source.G.state_dict())
            if (!newNames.Any(n => name == n || name.EndsWith("." + n)))
                Assert.Equal(t.shape, converted.G.state_dict()[name].shape);
    }

    [Fact]
    public void Stylegan2_reference_D_from_unconditional_is_exact_and_its_class_input_trains()
    {
        using var source = Source(ModelConfig.StyleGan2, 0, seed: 25);
        using var converted = Conditioning.ToConditional(source, 2);
        var d = (StyleGan2Discriminator)converted.D;
        Assert.NotNull(d.Mapping);
        Assert.Null(d.Cmap);
        using var _ = NewDisposeScope();
        var img = TinyModels.Images(4, source.Config);
        source.D.eval(); d.eval();
        var expected = source.D.forward(img, null);
        for (int k = 0; k < 2; k++)
            TinyModels.AssertClose(expected, d.forward(img, ClassVectors.OneHot(k, 2, 4)), 1e-5, $"D class {k}");
        // b4.out rows are multiples of the source's single row (a_k * out), so out(h) . cmap / sqrt(K) is the old logit.
        var row = source.D.state_dict()["b4.out.weight"];
        var rows = d.state_dict()["b4.out.weight"];
        Assert.Equal(new long[] { 12, 12 }, rows.shape);
        var ratio = rows / row;
        TinyModels.AssertClose(ratio.select(1, 0).unsqueeze(1).expand_as(ratio), ratio, 1e-4, "out rows parallel to the source row");
        // The embedding's weight starts at zero but gets a gradient, so classes can separate.
        d.train();
        var c = ClassVectors.OneHot(tensor(new long[] { 0, 1, 0, 1 }), 2);
        nn.functional.softplus(-d.forward(img, c)).mean().backward();
        var grad = d.named_parameters().First(p => p.name == "mapping.embed.weight").parameter.grad!;
        Assert.True(grad.abs().sum().item<float>() > 0, "D.mapping.embed.weight gets no gradient");
    }

    [Fact]
    public void Extending_a_legacy_projection_D_keeps_its_layout_and_old_classes()
    {
        var legacy = TinyModels.Config(ModelConfig.StyleGan2, 2) with { DConditioning = ModelConfig.DCondProjection };
        using var source = GanModel.Create(legacy, seed: 26);
        using (no_grad()) ((StyleGan2Discriminator)source.D).Cmap!.Weight.copy_(randn(12, 2));
        using var converted = Conditioning.ToConditional(source, 3);
        Assert.Equal(ModelConfig.DCondProjection, converted.Config.DConditioning);
        Assert.Contains("cmap.weight", converted.D.state_dict().Keys);
        var added = Conditioning.AddedParameterCounts(legacy, 3);
        Assert.Equal(Conditioning.ParameterCounts(converted).Discriminator - Conditioning.ParameterCounts(source).Discriminator, added.Discriminator);
        Assert.Equal(12, added.Discriminator);
        using var _ = NewDisposeScope();
        var img = TinyModels.Images(4, legacy);
        source.D.eval(); converted.D.eval();
        for (int k = 0; k < 2; k++)
            TinyModels.AssertClose(source.D.forward(img, ClassVectors.OneHot(k, 2, 4)), converted.D.forward(img, ClassVectors.OneHot(k, 3, 4)), 1e-5, $"D class {k}");
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
