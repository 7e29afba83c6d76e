using System.Text.Json;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using GenMerge.Core.Models.StyleGan2;
using Tiny = GenMerge.Core.Tests.Models.TinyModels;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Checkpoints;

/// <summary>The stylegan2 config fields added for imported models, and old checkpoints written before them.</summary>
public sealed class ModelConfigFieldsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("genmerge-cfg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Exactly what GenMerge wrote into checkpoint metadata before the new fields existed.
    private const string OldConditionalJson =
        "{\"family\":\"stylegan2\",\"resolution\":16,\"img_channels\":3,\"z_dim\":8,\"w_dim\":10,\"c_dim\":2,\"embed_dim\":6," +
        "\"channel_base\":256,\"channel_max\":12,\"mapping_layers\":2,\"mbstd_group\":2}";

    [Theory]
    [InlineData(OldConditionalJson, ModelConfig.DCondProjection)]
    [InlineData("{\"family\":\"stylegan2\",\"resolution\":16,\"img_channels\":3,\"z_dim\":8,\"w_dim\":10,\"c_dim\":0,\"embed_dim\":6,\"channel_base\":256,\"channel_max\":12,\"mapping_layers\":2,\"mbstd_group\":2}", ModelConfig.DCondReference)]
    [InlineData("{\"family\":\"compact\",\"resolution\":16,\"img_channels\":3,\"z_dim\":8,\"w_dim\":64,\"c_dim\":2,\"embed_dim\":6,\"channel_base\":4,\"channel_max\":16,\"mapping_layers\":2,\"mbstd_group\":2}", ModelConfig.DCondReference)]
    public void Old_config_json_reads_with_legacy_meanings_and_writes_back_unchanged(string json, string dConditioning)
    {
        var config = JsonSerializer.Deserialize<ModelConfig>(json)!.Validate();
        Assert.Null(config.ConvClamp);
        Assert.Equal(0, config.NumFp16Res);
        Assert.Equal("skip", config.GArchitecture);
        Assert.Equal("resnet", config.DArchitecture);
        Assert.Equal(1, config.MbstdChannels);
        Assert.Equal(0, config.CmapDim);
        Assert.Equal(8, config.DMappingLayers);
        // A conditional file without d_conditioning has the legacy projection D; without classes the field means nothing.
        Assert.Equal(dConditioning, config.DConditioning);
        Assert.Equal(json, JsonSerializer.Serialize(config));
    }

    [Fact]
    public void New_fields_round_trip_under_their_snake_case_names()
    {
        var config = Tiny.Config(ModelConfig.StyleGan2, cDim: 3) with
        {
            ConvClamp = 256, NumFp16Res = 4, GArchitecture = "orig", DArchitecture = "skip", MbstdChannels = 2,
            CmapDim = 24, DMappingLayers = 3,
        };
        var json = JsonSerializer.Serialize(config.Validate());
        foreach (var field in new[] { "\"conv_clamp\":256", "\"num_fp16_res\":4", "\"g_architecture\":\"orig\"", "\"d_architecture\":\"skip\"",
                                      "\"mbstd_channels\":2", "\"cmap_dim\":24", "\"d_mapping_layers\":3", "\"d_conditioning\":\"reference\"" })
            Assert.Contains(field, json);
        Assert.Equal(config, JsonSerializer.Deserialize<ModelConfig>(json));
        // A config made in code defaults to the reference layout; its JSON says so, so it reads back the same.
        var fresh = Tiny.Config(ModelConfig.StyleGan2, cDim: 2);
        Assert.Equal(ModelConfig.DCondReference, fresh.DConditioning);
        Assert.Equal(fresh, JsonSerializer.Deserialize<ModelConfig>(JsonSerializer.Serialize(fresh)));
    }

    [Theory]
    [InlineData("conv_clamp")]
    [InlineData("num_fp16_res")]
    [InlineData("g_architecture")]
    [InlineData("d_architecture")]
    [InlineData("mbstd_channels")]
    [InlineData("cmap_dim")]
    [InlineData("d_mapping_layers")]
    [InlineData("d_conditioning")]
    public void Bad_values_are_rejected_naming_the_field(string field)
    {
        var ok = Tiny.Config(ModelConfig.StyleGan2, cDim: 2);
        var bad = field switch
        {
            "conv_clamp" => ok with { ConvClamp = 0 },
            "num_fp16_res" => ok with { NumFp16Res = -1 },
            "g_architecture" => ok with { GArchitecture = "resnet" },
            "d_architecture" => ok with { DArchitecture = "fancy" },
            "mbstd_channels" => ok with { MbstdChannels = -1 },
            "cmap_dim" => ok with { CmapDim = -2 },
            "d_mapping_layers" => ok with { DMappingLayers = 0 },
            _ => ok with { DConditioning = "concat" },
        };
        Assert.StartsWith(field + ": ", Assert.Throws<ArgumentException>(() => { bad.Validate(); }).Message);
        // Checks that need the channel layout run when the model is built.
        Assert.StartsWith("mbstd_channels: ", Assert.Throws<ArgumentException>(() => { using var _ = new StyleGan2Discriminator(ok with { MbstdChannels = 5 }); }).Message);
        Assert.StartsWith("cmap_dim: ", Assert.Throws<ArgumentException>(
            () => { using var _ = new StyleGan2Discriminator(ok with { DConditioning = ModelConfig.DCondProjection, CmapDim = 7 }); }).Message);
        // The compact family has no such choices: a config that asks for one is refused, not silently ignored.
        var compactOrig = Tiny.Config(ModelConfig.Compact) with { GArchitecture = "orig" };
        Assert.StartsWith("g_architecture: ", Assert.Throws<ArgumentException>(() => { compactOrig.Validate(); }).Message);
    }

    [Fact]
    public void Config_differences_name_the_new_fields()
    {
        var a = Tiny.Config(ModelConfig.StyleGan2);
        var diffs = StateDictCompat.ConfigDifferences(a, a with { GArchitecture = "orig", ConvClamp = 256 });
        Assert.Contains(diffs, d => d.StartsWith("g_architecture: "));
        Assert.Contains(diffs, d => d.StartsWith("conv_clamp: "));
        // Unconditional models do not differ by a D conditioning they do not have.
        Assert.Empty(StateDictCompat.ConfigDifferences(a, a with { DConditioning = ModelConfig.DCondProjection }));
    }

    [Fact]
    public void An_old_conditional_stylegan2_checkpoint_loads_with_its_projection_D_and_resaves_to_the_same_bytes()
    {
        // A model in the legacy layout is what GenMerge saved before: its metadata has none of the new fields.
        var legacy = JsonSerializer.Deserialize<ModelConfig>(OldConditionalJson)!;
        using var model = GanModel.Create(legacy, seed: 3);
        using (no_grad()) ((StyleGan2Discriminator)model.D).Cmap!.Weight.copy_(randn(12, 2));
        var path = Path.Combine(_dir, "old.safetensors");
        Checkpoint.Save(model, path);
        Assert.Equal(OldConditionalJson, Checkpoint.ReadInfo(path).Metadata["config"]);

        using var loaded = Checkpoint.Load(path);
        Assert.Equal(ModelConfig.DCondProjection, loaded.Config.DConditioning);
        var names = loaded.D.state_dict().Keys.ToList();
        Assert.Contains("cmap.weight", names);
        Assert.DoesNotContain("mapping.embed.weight", names);
        Assert.Equal(new long[] { 1, 12 }, loaded.D.state_dict()["b4.out.weight"].shape);
        using (NewDisposeScope())
        {
            var img = Tiny.Images(4, legacy);
            var c = ClassVectors.OneHot(1, 2, 4);
            model.D.eval(); loaded.D.eval();
            Tiny.AssertClose(model.D.forward(img, c), loaded.D.forward(img, c), 0, "legacy D after load");
        }
        var resaved = Path.Combine(_dir, "resaved.safetensors");
        Checkpoint.Save(loaded, resaved);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(resaved));
    }
}
