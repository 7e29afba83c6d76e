using System.Diagnostics;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Interop;
using GenMerge.Core.Models;
using GenMerge.Core.Models.StyleGan2;
using Xunit;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Interop;

public class StyleGan2ImportTests
{
    private static string Pkl(string name) => Fixtures.Path("sg2pkl", name);

    [Fact]
    public void Unconditional_pickle_imports_and_reproduces_the_reference_images()
    {
        using var model = StyleGan2Import.Load(Pkl("sg2_c0.pkl"));
        Assert.Equal(new ModelConfig
        {
            Family = ModelConfig.StyleGan2, Resolution = 32, ImgChannels = 3, ZDim = 16, WDim = 16, CDim = 0, EmbedDim = 16,
            ChannelBase = 256, ChannelMax = 16, MappingLayers = 2, MbstdGroup = 4,
        }, model.Config);
        Assert.Equal(StyleGan2Import.ProvenanceKind, model.Provenance.Kind);
        Assert.Equal("training_set_kwargs", model.Provenance.Notes["import_ignored"]);
        using var z = Npy.Read(Pkl("sg2_c0_z.npy"));
        using var reference = Npy.Read(Pkl("sg2_c0_img.npy"));
        using var img = Render(model, z);
        Assert.True(MaxAbs(img, reference) <= 1e-4, $"max abs error {MaxAbs(img, reference)}");
        // G differs from G_ema in the fixture: the import did not swap or merge them.
        Assert.False(model.G.state_dict()["mapping.fc0.bias"].allclose(model.GEma.state_dict()["mapping.fc0.bias"]));
    }

    [Theory]
    [InlineData("sg2_c2")]
    [InlineData("sg2_c3_orig")]
    public void Conditional_pickles_import_with_their_architecture_and_reproduce_the_reference(string name)
    {
        using var model = StyleGan2Import.Load(Pkl(name + ".pkl"));
        Assert.True(model.Config.ReferenceConditioning);
        if (name == "sg2_c3_orig")
        {
            var c = model.Config;
            Assert.Equal((3, "orig", "orig", 256, 2, 2, 2, 24, 2, 8),
                         (c.CDim, c.GArchitecture, c.DArchitecture, c.ConvClamp, c.NumFp16Res, c.MbstdGroup, c.MbstdChannels, c.CmapDim, c.DMappingLayers, c.EmbedDim));
        }
        using var z = Npy.Read(Pkl(name + "_z.npy"));
        using var cls = Npy.Read(Pkl(name + "_c.npy"));
        using var reference = Npy.Read(Pkl(name + "_img.npy"));
        using var img = Render(model, z, cls);
        Assert.True(MaxAbs(img, reference) <= 1e-4, $"max abs error {MaxAbs(img, reference)}");
    }

    [Theory]
    [InlineData("sg2_c0")]
    [InlineData("sg2_c2")]
    [InlineData("sg2_c3_orig")]
    public void Export_then_import_reproduces_the_model_exactly(string name)
    {
        using var model = StyleGan2Import.Load(Pkl(name + ".pkl"));
        var dir = Directory.CreateTempSubdirectory("genmerge-export-").FullName;
        try
        {
            var pt = Path.Combine(dir, "out.pt");
            TorchExport.SavePt(model, pt);
            using var back = StyleGan2Import.Load(pt);
            Assert.Equal(model.Config, back.Config);
            foreach (var (a, b) in new (nn.Module, nn.Module)[] { (model.G, back.G), (model.D, back.D), (model.GEma, back.GEma) })
            {
                var sa = a.state_dict(); var sb = b.state_dict();
                Assert.Equal(sa.Keys.Order(), sb.Keys.Order());
                foreach (var (k, t) in sa) Assert.True(t.equal(sb[k]).all().item<bool>(), k);
            }
            // Where Debian's PyTorch is installed, the export also loads into the reference network (weights_only).
            if (PyTorchAvailable())
                Assert.Equal(0, Run("/usr/bin/python3", $"{Fixtures.Path("make_stylegan2_pickles.py")} --check {pt} {name}"));

            var st = Path.Combine(dir, "g_ema.safetensors");
            TorchExport.SaveSafeTensors(model, st);
            using var file = SafeTensors.Load(st);
            Assert.Equal(model.GEma.state_dict().Keys.Order(), file.Tensors.Keys.Order());
            Assert.Contains("\"z_dim\":16", file.Metadata["init_kwargs"]);
            Assert.Contains($"\"c_dim\":{model.Config.CDim}", file.Metadata["init_kwargs"]);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Rosinality_checkpoint_maps_onto_the_reference_names_and_reproduces_its_images()
    {
        var path = Fixtures.Path("rosinality", "small.pt");
        using var model = StyleGan2Import.Load(path);
        Assert.Equal((32, 16, 2, 16, 0), (model.Config.Resolution, model.Config.ZDim, model.Config.MappingLayers, model.Config.ChannelMax, model.Config.CDim));
        Assert.Equal("g_optim, args", model.Provenance.Notes["import_ignored"]);
        Assert.Contains("import_w_avg", model.Provenance.Notes.Keys);
        using var z = Npy.Read(Fixtures.Path("rosinality", "z.npy"));
        using var reference = Npy.Read(Fixtures.Path("rosinality", "img.npy"));
        using var img = Render(model, z);
        Assert.True(MaxAbs(img, reference) <= 1e-4, $"max abs error {MaxAbs(img, reference)}");
        // its discriminator maps onto the reference's resnet D: same logits for those images
        using var dRef = Npy.Read(Fixtures.Path("rosinality", "d.npy"));
        model.D.eval();
        using var _ = no_grad();
        using var logits = model.D.forward(reference, null);
        Assert.True(MaxAbs(logits.reshape(dRef.shape), dRef) <= 1e-4, $"D max abs error {MaxAbs(logits.reshape(dRef.shape), dRef)}");
        // converted to stylegan2-ada-pytorch's format, it gives the rosinality images in the reference network
        if (PyTorchAvailable())
        {
            var pt = Path.Combine(Path.GetTempPath(), $"genmerge-rosinality-{Guid.NewGuid():N}.pt");
            try
            {
                TorchExport.SavePt(model, pt);
                Assert.Equal(0, Run("/usr/bin/python3", $"{Fixtures.Path("make_stylegan2_pickles.py")} --check {pt} rosinality"));
            }
            finally { File.Delete(pt); }
        }
    }

    private static bool PyTorchAvailable() => File.Exists("/usr/bin/python3") && Run("/usr/bin/python3", "-c \"import torch\"") == 0;

    [Fact]
    public void Npy_round_trips()
    {
        var path = Path.Combine(Path.GetTempPath(), $"genmerge-{Guid.NewGuid():N}.npy");
        try
        {
            using var t = arange(24, ScalarType.Float32).reshape(2, 3, 4) / 7;
            Npy.Write(path, t);
            using var back = Npy.Read(path);
            Assert.True(t.equal(back).all().item<bool>());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Unsupported_architectures_and_foreign_classes_are_refused_by_name()
    {
        var e = Assert.Throws<CheckpointException>(() => StyleGan2Import.Load(Fixtures.Path("interop", "persistent.pkl")));
        Assert.Contains("G_ema", e.Message);
        Assert.StartsWith(Fixtures.Path("interop", "persistent.pkl") + ": ", e.Message);
        var sg3 = Assert.Throws<CheckpointException>(() => StyleGan2Import.Load(Fixtures.Path("interop", "stylegan3.pkl")));
        Assert.Contains("training.networks_stylegan3.Generator", sg3.Message);
        Assert.Contains("StyleGAN3", sg3.Message);
        var sd = Assert.Throws<CheckpointException>(() => StyleGan2Import.Load(Fixtures.Path("interop", "state_dict_zip.pt")));
        Assert.Contains("no G_ema", sd.Message);
    }

    internal static Tensor Render(GanModel model, Tensor z, Tensor? c = null)
    {
        var g = Assert.IsType<StyleGan2Generator>(model.GEma);
        g.NoiseMode = NoiseModes.Const;
        using var _ = no_grad();
        return g.forward(z, c, 1.0);
    }

    internal static double MaxAbs(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    private static int Run(string exe, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) Console.Error.WriteLine(output);
        return p.ExitCode;
    }
}
