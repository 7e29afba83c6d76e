using GenMerge.Core.Models;
using GenMerge.Core.Models.StyleGan2;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Models;

public class StyleGan2NetworkTests
{
    [Fact]
    public void Parameter_and_buffer_names_follow_stylegan2_ada()
    {
        var config = TinyModels.Config(ModelConfig.StyleGan2, cDim: 2);
        using var g = new StyleGan2Generator(config);
        using var d = new StyleGan2Discriminator(config);
        var gNames = g.state_dict().Keys.ToHashSet();
        var dNames = d.state_dict().Keys.ToHashSet();
        foreach (var name in new[]
                 {
                     "mapping.embed.weight", "mapping.embed.bias", "mapping.fc0.weight", "mapping.fc0.bias", "mapping.fc1.weight",
                     "mapping.w_avg", "synthesis.b4.const", "synthesis.b4.conv1.weight", "synthesis.b4.conv1.noise_strength",
                     "synthesis.b4.conv1.noise_const", "synthesis.b4.torgb.affine.weight", "synthesis.b8.conv0.weight",
                     "synthesis.b16.conv1.affine.weight", "synthesis.b16.conv1.affine.bias", "synthesis.b16.torgb.weight",
                 })
            Assert.Contains(name, gNames);
        Assert.DoesNotContain("synthesis.b4.conv0.weight", gNames);
        Assert.DoesNotContain("mapping.fc2.weight", gNames);
        foreach (var name in new[]
                 {
                     "b16.fromrgb.weight", "b16.conv0.weight", "b16.conv1.bias", "b16.skip.weight", "b8.conv0.weight",
                     "b4.conv.weight", "b4.fc.weight", "b4.out.weight", "b4.out.bias", "mapping.embed.weight",
                     "mapping.embed.bias", "mapping.fc0.weight", "mapping.fc7.bias",
                 })
            Assert.Contains(name, dNames);
        Assert.DoesNotContain("b8.fromrgb.weight", dNames);
        Assert.DoesNotContain("b16.skip.bias", dNames);
        Assert.DoesNotContain("cmap.weight", dNames);      // the legacy projection layout only
        Assert.DoesNotContain("mapping.w_avg", dNames);    // D's mapping has none
        Assert.DoesNotContain("mapping.fc8.weight", dNames);

        // Shapes as the reference: mapping.fc0 reads [z, embed]; a conditional D's out is cmap_dim (= 12 channels at 4x4) wide.
        Assert.Equal(new long[] { config.WDim, config.ZDim + config.EmbedDim }, g.state_dict()["mapping.fc0.weight"].shape);
        Assert.Equal(new long[] { 12, 4, 4 }, g.state_dict()["synthesis.b4.const"].shape);
        Assert.Equal(new long[] { 12, 12 }, d.state_dict()["b4.out.weight"].shape);
        Assert.Equal(new long[] { 12, 2 }, d.state_dict()["mapping.embed.weight"].shape);
        Assert.Equal(new long[] { 12, 12 }, d.state_dict()["mapping.fc0.weight"].shape);
        // num_ws: 1 conv at b4, 2 per later block, plus the last torgb.
        Assert.Equal(6, g.NumWs);
    }

    [Fact]
    public void Noise_modes_const_and_none_are_deterministic_and_random_is_not()
    {
        var config = TinyModels.Config(ModelConfig.StyleGan2);
        using var g = new StyleGan2Generator(config);
        using (no_grad())
            foreach (var (name, p) in g.named_parameters())
                if (name.EndsWith("noise_strength")) p.fill_(0.5);
        g.eval();
        using var _ = NewDisposeScope();
        var z = TinyModels.Z(2, config);
        Assert.Equal("random", g.NoiseMode);
        TinyModels.AssertDifferent(g.forward(z, null), g.forward(z, null), what: "random noise");
        g.NoiseMode = NoiseModes.Const;
        TinyModels.AssertClose(g.forward(z, null), g.forward(z, null), 0, "const noise");
        g.NoiseMode = NoiseModes.None;
        var none = g.forward(z, null);
        TinyModels.AssertClose(none, g.forward(z, null), 0, "no noise");
        g.NoiseMode = NoiseModes.Const;
        TinyModels.AssertDifferent(none, g.forward(z, null), what: "const vs none");
        Assert.Throws<ArgumentException>(() => g.NoiseMode = "sometimes");
    }

    [Fact]
    public void W_avg_tracks_w_in_training_and_truncation_pulls_toward_it()
    {
        var config = TinyModels.Config(ModelConfig.StyleGan2);
        using var g = new StyleGan2Generator(config) { NoiseMode = NoiseModes.Const };
        using var _ = NewDisposeScope();
        var z = TinyModels.Z(16, config);
        Assert.Equal(0f, g.Mapping.WAvg.abs().sum().item<float>());

        g.train();
        var ws = g.Map(z, null);
        Assert.Equal(new long[] { 16, g.NumWs, config.WDim }, ws.shape);
        var expected = ws.select(1, 0).mean(new long[] { 0 }) * (1 - MappingNetwork.DefaultWAvgBeta);
        TinyModels.AssertClose(expected, g.Mapping.WAvg, 1e-6, "w_avg after one step");
        var before = g.Mapping.WAvg.clone();
        g.Map(z, null, updateWAvg: false);
        TinyModels.AssertClose(before, g.Mapping.WAvg, 0, "w_avg with updateWAvg false");

        g.eval();
        g.Map(z, null);
        TinyModels.AssertClose(before, g.Mapping.WAvg, 0, "w_avg in eval mode");
        // psi = 0: every sample is the image of w_avg.
        var truncated = g.forward(z, null, 0.0);
        var avgImage = g.Synthesize(g.Mapping.WAvg.reshape(1, 1, -1).repeat(16, g.NumWs, 1));
        TinyModels.AssertClose(avgImage, truncated, 1e-5, "psi 0");
        TinyModels.AssertDifferent(truncated, g.forward(z, null, 1.0), what: "psi 1");
    }

    [Fact]
    public void Fir_upsampling_keeps_a_constant_image_constant_away_from_the_border()
    {
        var config = TinyModels.Config(ModelConfig.StyleGan2);
        using var g = new StyleGan2Generator(config) { NoiseMode = NoiseModes.None };
        using var _ = NewDisposeScope();
        // Zero every torgb except b4's: the final image is b4's 4x4 image upsampled twice by the FIR filter.
        using (no_grad())
        {
            foreach (var (name, p) in g.named_parameters())
                if (name.StartsWith("synthesis.b8.torgb.") || name.StartsWith("synthesis.b16.torgb."))
                    if (name.EndsWith("weight") && !name.Contains("affine")) p.zero_();
            foreach (var (name, p) in g.named_parameters())
                if (name == "synthesis.b4.torgb.weight") p.zero_();
                else if (name == "synthesis.b4.torgb.bias") p.fill_(0.25);
        }
        var img = g.forward(TinyModels.Z(1, config), null);
        // torgb biases of b8/b16 are 0; b4's constant 0.25 survives gain-4 FIR upsampling (mean-preserving).
        var centre = img.narrow(2, 4, 8).narrow(3, 4, 8);
        TinyModels.AssertClose(full_like(centre, 0.25), centre, 1e-6, "interior");
    }
}
