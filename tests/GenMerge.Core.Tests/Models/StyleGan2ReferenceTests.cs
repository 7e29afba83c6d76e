using System.Diagnostics;
using System.Text.Json;
using GenMerge.Core.Models;
using GenMerge.Core.Models.StyleGan2;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Models;

/// <summary>
/// GenMerge's stylegan2 G and D against a PyTorch mirror of stylegan2-ada-pytorch (tests/fixtures/sg2ref.py): the
/// reference's state dicts load by name into GenMerge's modules and give the same images and logits.
/// </summary>
public class StyleGan2ReferenceTests
{
    private const double Tol = 1e-4;
    private readonly ITestOutputHelper _out;

    public StyleGan2ReferenceTests(ITestOutputHelper output) => _out = output;

    public static IEnumerable<object[]> Fixtures => ReferenceFixtures.Names.Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Generator_loads_the_reference_state_dict_by_name_and_matches_its_images(string name)
    {
        var config = ReferenceFixtures.Config(name);
        using var g = new StyleGan2Generator(config) { NoiseMode = NoiseModes.Const };
        ReferenceFixtures.LoadStrict(g, name + "_G.safetensors");
        g.eval();
        using var _ = NewDisposeScope();
        using var noGrad = no_grad();
        var z = ReferenceFixtures.Npy(name + "_z.npy");
        Tensor? c = config.CDim > 0 ? ReferenceFixtures.Npy(name + "_c.npy") : null;
        double d1 = ReferenceFixtures.AssertMaxAbs(ReferenceFixtures.Npy(name + "_G.npy"), g.forward(z, c), Tol, $"{name} G");
        double d2 = ReferenceFixtures.AssertMaxAbs(ReferenceFixtures.Npy(name + "_G_psi07.npy"), g.forward(z, c, 0.7), Tol, $"{name} G psi 0.7");
        _out.WriteLine($"{name}: G max |diff| {d1:E2}, psi 0.7 {d2:E2}");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Discriminator_loads_the_reference_state_dict_by_name_and_matches_its_logits(string name)
    {
        var config = ReferenceFixtures.Config(name);
        using var d = new StyleGan2Discriminator(config);
        ReferenceFixtures.LoadStrict(d, name + "_D.safetensors");
        d.eval();
        using var _ = NewDisposeScope();
        using var noGrad = no_grad();
        var img = ReferenceFixtures.Npy(name + "_img_in.npy");
        Tensor? c = config.CDim > 0 ? ReferenceFixtures.Npy(name + "_c.npy") : null;
        double diff = ReferenceFixtures.AssertMaxAbs(ReferenceFixtures.Npy(name + "_D.npy"), d.forward(img, c), Tol, $"{name} D");
        _out.WriteLine($"{name}: D max |diff| {diff:E2}");
    }

    [Fact]
    public void Conv_clamp_changes_the_output_where_the_reference_clamps()
    {
        // skip_skip_c2 uses conv_clamp 1, which the perturbed weights exceed: without the clamp G and D differ.
        const string name = "skip_skip_c2";
        var config = ReferenceFixtures.Config(name) with { ConvClamp = null };
        using var g = new StyleGan2Generator(config) { NoiseMode = NoiseModes.Const };
        using var d = new StyleGan2Discriminator(config);
        ReferenceFixtures.LoadStrict(g, name + "_G.safetensors");
        ReferenceFixtures.LoadStrict(d, name + "_D.safetensors");
        g.eval(); d.eval();
        using var _ = NewDisposeScope();
        using var noGrad = no_grad();
        var c = ReferenceFixtures.Npy(name + "_c.npy");
        TinyModels.AssertDifferent(ReferenceFixtures.Npy(name + "_G.npy"), g.forward(ReferenceFixtures.Npy(name + "_z.npy"), c), 1e-2, "G without clamp");
        TinyModels.AssertDifferent(ReferenceFixtures.Npy(name + "_D.npy"), d.forward(ReferenceFixtures.Npy(name + "_img_in.npy"), c), 1e-3, "D without clamp");
    }

    /// <summary>stylegan2-ada's official configs: paper256 (channel_base 16384) and FFHQ-1024 ('stylegan2', 32768).</summary>
    private static ModelConfig Official(int resolution, int channelBase, int mbstdGroup, int cDim = 0) => new ModelConfig
    {
        Family = ModelConfig.StyleGan2, Resolution = resolution, ImgChannels = 3, ZDim = 512, WDim = 512, CDim = cDim,
        EmbedDim = 512, ChannelBase = channelBase, ChannelMax = 512, MappingLayers = 8, MbstdGroup = mbstdGroup,
        ConvClamp = 256, NumFp16Res = 4,
    }.Validate();

    [Theory]
    [InlineData("paper256", 256, 16384, 8)]
    [InlineData("ffhq1024", 1024, 32768, 4)]
    public void Official_configs_have_the_reference_parameter_counts(string key, int resolution, int channelBase, int mbstd)
    {
        using var counts = JsonDocument.Parse(File.ReadAllText(ReferenceFixtures.PathOf("param_counts.json")));
        var expected = counts.RootElement.GetProperty(key);
        long Count(nn.Module m) => m.parameters().Sum(p => p.numel());
        using (var g = new StyleGan2Generator(Official(resolution, channelBase, mbstd)))
            Assert.Equal(expected.GetProperty("G").GetInt64(), Count(g));
        using (var d = new StyleGan2Discriminator(Official(resolution, channelBase, mbstd)))
            Assert.Equal(expected.GetProperty("D").GetInt64(), Count(d));
        using (var d = new StyleGan2Discriminator(Official(resolution, channelBase, mbstd, cDim: 10)))
            Assert.Equal(expected.GetProperty("D_c10").GetInt64(), Count(d));
        if (resolution == 1024) Assert.Equal(30_370_060, expected.GetProperty("G").GetInt64()); // stylegan2-ada's FFHQ G
    }

    [Fact]
    public void Official_256px_config_samples_an_image_in_seconds()
    {
        var config = Official(256, 16384, 8);
        using var g = new StyleGan2Generator(config) { NoiseMode = NoiseModes.Const };
        g.eval();
        using var _ = NewDisposeScope();
        using var noGrad = no_grad();
        var sw = Stopwatch.StartNew();
        var img = g.forward(randn(1, 512), null);
        sw.Stop();
        Assert.Equal(new long[] { 1, 3, 256, 256 }, img.shape);
        Assert.True(img.isfinite().all().item<bool>());
        _out.WriteLine($"256 px official config: one image in {sw.Elapsed.TotalSeconds:F2} s");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), $"one 256 px image took {sw.Elapsed}");
    }
}
