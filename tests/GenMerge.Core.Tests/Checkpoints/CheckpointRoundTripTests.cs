using GenMerge.Core.Checkpoints;
using GenMerge.Core.Models;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Checkpoints;

public sealed class CheckpointRoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("genmerge-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Save_then_load_restores_every_tensor_bit_for_bit_and_resave_gives_identical_bytes()
    {
        var path = Path.Combine(_dir, "sub", "model.safetensors");
        using var model = TinyModels.Create(seed: 5);
        Checkpoint.Save(model, path);
        var original = File.ReadAllBytes(path);

        // Read the bytes back fresh, as another process would.
        using var loaded = Checkpoint.Load(new MemoryStream(original), factory: TinyModels.Factory, source: "fresh");
        var expected = Checkpoint.CollectTensors(model);
        var actual = Checkpoint.CollectTensors(loaded);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, t) in expected)
        {
            Assert.Equal(t.dtype, actual[name].dtype);
            Assert.Equal(t.shape, actual[name].shape);
            Assert.True(t.bytes.SequenceEqual(actual[name].bytes), $"tensor {name} differs");
        }
        Assert.Contains("G.w_avg", actual.Keys);
        Assert.Equal(ScalarType.Float16, actual["G.half_stats"].dtype);
        Assert.Equal(ScalarType.Int64, actual["G_ema.steps"].dtype);

        var resaved = Path.Combine(_dir, "resaved.safetensors");
        Checkpoint.Save(loaded, resaved);
        Assert.Equal(original, File.ReadAllBytes(resaved));
        Assert.Equal(Checkpoint.Sha256(path), Checkpoint.Sha256(resaved));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Metadata_is_preserved_and_readable_without_loading_data()
    {
        var path = Path.Combine(_dir, "model.safetensors");
        using var model = TinyModels.Create(seed: 6);
        Checkpoint.Save(model, path);

        var info = Checkpoint.ReadInfo(path);
        Assert.Equal("genmerge/1", info.Format);
        Assert.Equal(model.Config, info.Config);
        Assert.Equal(new[] { "rings", "squares" }, info.ClassNames);
        Assert.Equal("train", info.Provenance.Kind);
        Assert.Equal(123, info.Provenance.Steps);
        Assert.Equal(new[] { "abc123" }, info.Provenance.Parents);
        Assert.Equal("\"quoted\"", info.Provenance.Notes["ü"]);
        Assert.Equal(new FileInfo(path).Length, info.FileLength);
        var names = Checkpoint.CollectTensors(model).Keys.ToArray();
        Assert.Equal(names, info.Tensors.Select(t => t.Name).ToArray());
        Assert.Equal(new long[] { 8, 4 }, info.Tensors.Single(t => t.Name == "G.fc1.weight").Shape);
        Assert.Equal(model.G.parameters().Sum(p => p.numel()) + 4 + 3 + 1, info.ElementCount("G."));

        using var loaded = Checkpoint.Load(path, null, TinyModels.Factory);
        Assert.Equal(model.ClassNames, loaded.ClassNames);
        Assert.Equal(model.Provenance.Notes, loaded.Provenance.Notes);
        Assert.Equal(model.Provenance.CreatedUtc, loaded.Provenance.CreatedUtc);
        Assert.Equal(model.Config, loaded.Config);
        Assert.False(loaded.GEma.parameters().First().requires_grad);
    }

    [Fact]
    public void Load_keeps_the_callers_random_stream_and_loaded_model_runs()
    {
        var path = Path.Combine(_dir, "model.safetensors");
        using (var model = TinyModels.Create(seed: 7)) Checkpoint.Save(model, path);
        manual_seed(42);
        var a = randn(3).data<float>().ToArray();
        manual_seed(42);
        using var loaded = Checkpoint.Load(path, CPU, TinyModels.Factory);
        var b = randn(3).data<float>().ToArray();
        Assert.Equal(a, b);
        using var img = loaded.GEma.forward(randn(2, 4), null);
        Assert.Equal(new long[] { 2, 3, 8, 8 }, img.shape);
    }
}
