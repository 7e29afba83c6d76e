using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Models;

public class ModelShapeTests
{
    [Theory]
    [InlineData(ModelConfig.Compact, 0)]
    [InlineData(ModelConfig.Compact, 3)]
    [InlineData(ModelConfig.StyleGan2, 0)]
    [InlineData(ModelConfig.StyleGan2, 3)]
    public void Generator_and_discriminator_produce_the_documented_shapes(string family, int cDim)
    {
        var config = TinyModels.Config(family, cDim);
        using var model = GanModel.Create(config, seed: 1);
        using var _ = NewDisposeScope();
        var c = cDim > 0 ? ClassVectors.OneHot(tensor(new long[] { 0, 1, 2, 0, 1 }), cDim) : null;
        var img = model.G.forward(TinyModels.Z(5, config), c);
        Assert.Equal(new long[] { 5, 3, 16, 16 }, img.shape);
        Assert.True(img.isfinite().all().item<bool>());
        var logits = model.D.forward(img, c);
        Assert.Equal(new long[] { 5, 1 }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
        // Batch of one (odd sampling sizes must not break mbstd / norms).
        var one = model.GEma.forward(TinyModels.Z(1, config), c?.narrow(0, 0, 1), 0.7);
        Assert.Equal(new long[] { 1, 3, 16, 16 }, one.shape);
        Assert.Equal(new long[] { 1, 1 }, model.D.forward(one, c?.narrow(0, 0, 1)).shape);
    }

    [Fact]
    public void Compact_images_lie_in_minus_one_to_one_and_grayscale_works()
    {
        var config = TinyModels.Config(ModelConfig.Compact) with { ImgChannels = 1, Resolution = 32 };
        using var model = GanModel.Create(config, seed: 2);
        using var _ = NewDisposeScope();
        var img = model.G.forward(TinyModels.Z(3, config), null);
        Assert.Equal(new long[] { 3, 1, 32, 32 }, img.shape);
        Assert.True(img.abs().max().item<float>() <= 1f);
    }

    [Theory]
    [InlineData("family", "family: ")]
    [InlineData("resolution", "resolution: ")]
    [InlineData("c_dim", "c_dim: ")]
    [InlineData("z_dim", "z_dim: ")]
    [InlineData("img_channels", "img_channels: ")]
    [InlineData("mbstd_group", "mbstd_group: ")]
    [InlineData("channel_base", "channel_base: ")]
    public void Bad_config_fields_are_rejected_by_name(string field, string expectedStart)
    {
        var ok = TinyModels.Config(ModelConfig.StyleGan2);
        var bad = field switch
        {
            "family" => ok with { Family = "biggan" },
            "resolution" => ok with { Resolution = 24 },
            "c_dim" => ok with { CDim = -1 },
            "z_dim" => ok with { ZDim = 0 },
            "img_channels" => ok with { ImgChannels = 2 },
            "mbstd_group" => ok with { MbstdGroup = -1 },
            // stylegan2 channels = channel_base / res: 8 / 16 = 0 channels at 16x16.
            "channel_base" => ok with { ChannelBase = 8 },
            _ => throw new ArgumentException(field),
        };
        var ex = Assert.Throws<ArgumentException>(() => ModelFactory.CreateGenerator(bad));
        Assert.StartsWith(expectedStart, ex.Message);
        var exD = Assert.Throws<ArgumentException>(() => ModelFactory.CreateDiscriminator(bad));
        Assert.StartsWith(expectedStart, exD.Message);
    }

    [Theory]
    [InlineData(ModelConfig.Compact)]
    [InlineData(ModelConfig.StyleGan2)]
    public void Class_vectors_of_the_wrong_shape_are_rejected_with_the_expected_shape(string family)
    {
        var config = TinyModels.Config(family, cDim: 3);
        using var model = GanModel.Create(config, seed: 3);
        using var _ = NewDisposeScope();
        var z = TinyModels.Z(4, config);
        var img = TinyModels.Images(4, config);

        var missing = Assert.Throws<ArgumentException>(() => model.G.forward(z, null));
        Assert.Contains("[4, 3]", missing.Message);
        var wrongWidth = Assert.Throws<ArgumentException>(() => model.G.forward(z, zeros(4, 5)));
        Assert.Contains("[4, 3]", wrongWidth.Message);
        Assert.Contains("[4, 5]", wrongWidth.Message);
        var wrongBatch = Assert.Throws<ArgumentException>(() => model.D.forward(img, zeros(2, 3)));
        Assert.Contains("[4, 3]", wrongBatch.Message);
        var labelsNotOneHot = Assert.Throws<ArgumentException>(() => model.D.forward(img, zeros(new long[] { 4 }, ScalarType.Int64)));
        Assert.StartsWith("c: ", labelsNotOneHot.Message);

        var badZ = Assert.Throws<ArgumentException>(() => model.G.forward(zeros(4, 9), ClassVectors.OneHot(0, 3, 4)));
        Assert.StartsWith("z: ", badZ.Message);
        var badImg = Assert.Throws<ArgumentException>(() => model.D.forward(zeros(4, 3, 8, 8), ClassVectors.OneHot(0, 3, 4)));
        Assert.StartsWith("img: ", badImg.Message);
    }

    [Theory]
    [InlineData(ModelConfig.Compact)]
    [InlineData(ModelConfig.StyleGan2)]
    public void Unconditional_models_take_null_c_and_reject_class_vectors(string family)
    {
        var config = TinyModels.Config(family);
        using var model = GanModel.Create(config, seed: 4);
        using var _ = NewDisposeScope();
        var z = TinyModels.Z(2, config);
        TinyModels.Deterministic(model.GEma);
        var a = model.GEma.forward(z, null);
        var b = model.GEma.forward(z, zeros(2, 0)); // an empty c is the same as none
        TinyModels.AssertClose(a, b, 0);
        var ex = Assert.Throws<ArgumentException>(() => model.G.forward(z, zeros(2, 3)));
        Assert.StartsWith("c: ", ex.Message);
    }

    [Theory]
    [InlineData(ModelConfig.Compact)]
    [InlineData(ModelConfig.StyleGan2)]
    public void Models_built_inside_a_dispose_scope_survive_it(string family)
    {
        var config = TinyModels.Config(family, cDim: 2);
        GanModel model, converted;
        using (NewDisposeScope())
        {
            model = GanModel.Create(config with { CDim = 0 }, seed: 6);
            converted = GenMerge.Core.Merging.Conditioning.ToConditional(model, 2);
        }
        using (model)
        using (converted)
        using (NewDisposeScope())
        {
            var img = converted.G.forward(TinyModels.Z(2, config), ClassVectors.OneHot(1, 2, 2));
            Assert.True(img.isfinite().all().item<bool>());
            Assert.Equal(new long[] { 2, 1 }, converted.D.forward(img, ClassVectors.OneHot(1, 2, 2)).shape);
            Assert.True(model.G.parameters().All(p => !p.IsInvalid));
        }
    }

    [Theory]
    [InlineData(ModelConfig.Compact, 8)]
    [InlineData(ModelConfig.Compact, 32)]
    [InlineData(ModelConfig.StyleGan2, 8)]
    [InlineData(ModelConfig.StyleGan2, 32)]
    public void Default_configs_build_at_8_and_32_pixels(string family, int resolution)
    {
        var config = ModelConfig.Default(family, resolution, cDim: 2);
        using var g = ModelFactory.CreateGenerator(config);
        using var d = ModelFactory.CreateDiscriminator(config);
        using var _ = NewDisposeScope();
        using var noGrad = no_grad();
        var c = ClassVectors.OneHot(1, 2, 1);
        var img = g.forward(randn(1, config.ZDim), c);
        Assert.Equal(new long[] { 1, 3, resolution, resolution }, img.shape);
        Assert.Equal(new long[] { 1, 1 }, d.forward(img, c).shape);
    }
}
