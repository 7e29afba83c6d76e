using System.Buffers.Binary;
using System.Text;
using GenMerge.Core.Checkpoints;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Checkpoints;

public sealed class CheckpointErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("genmerge-ckpt-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathFor(string name) => Path.Combine(_dir, name);

    /// <summary>Loads a file with the test factory and returns the exception, asserting it names the file.</summary>
    private static CheckpointException LoadFails(string path)
    {
        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, null, TinyModels.Factory).Dispose());
        Assert.Contains(path, ex.Message);
        Assert.Equal(path, ex.File);
        return ex;
    }

    /// <summary>Writes a checkpoint of a tiny model after letting the test edit its tensors and metadata.</summary>
    private string WriteEdited(string name, Action<SortedDictionary<string, Tensor>, Dictionary<string, string>> edit)
    {
        using var model = TinyModels.Create(seed: 11);
        var tensors = Checkpoint.CollectTensors(model);
        var metadata = CheckpointMetadata.Build(model);
        edit(tensors, metadata);
        var path = PathFor(name);
        SafeTensors.Save(path, tensors, metadata);
        return path;
    }

    private static void WriteRaw(string path, string headerJson)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void Text_file_is_not_safetensors()
    {
        var path = PathFor("notes.safetensors");
        File.WriteAllText(path, "this is certainly not a checkpoint file");
        var ex = LoadFails(path);
        Assert.Contains("not a safetensors file", ex.Message);
        Assert.Contains("header length", ex.Message);
    }

    [Fact]
    public void Tiny_file_is_not_safetensors()
    {
        var path = PathFor("tiny.safetensors");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        Assert.Contains("too short", LoadFails(path).Message);
    }

    [Fact]
    public void Invalid_json_header_is_reported()
    {
        var path = PathFor("badjson.safetensors");
        WriteRaw(path, "{\"G.x\": {\"dtype\": ");
        var ex = LoadFails(path);
        Assert.Contains("not valid JSON", ex.Message);
    }

    [Fact]
    public void Truncated_data_is_reported()
    {
        var path = WriteEdited("trunc.safetensors", (_, _) => { });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        var ex = LoadFails(path);
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("truncated", Assert.Throws<CheckpointException>(() => Checkpoint.ReadInfo(path)).Message);
    }

    [Fact]
    public void Truncated_non_seekable_stream_names_the_tensor()
    {
        var path = WriteEdited("trunc2.safetensors", (_, _) => { });
        var bytes = File.ReadAllBytes(path)[..^10];
        using var stream = new ForwardOnlyStream(bytes);
        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(stream, factory: TinyModels.Factory, source: "blob://x"));
        Assert.StartsWith("blob://x: truncated: tensor '", ex.Message);
    }

    [Fact]
    public void Unknown_family_is_reported()
    {
        var path = WriteEdited("family.safetensors", (_, m) =>
            m["config"] = m["config"].Replace("\"family\":\"compact\"", "\"family\":\"biggan\""));
        var ex = LoadFails(path);
        Assert.Contains("unknown model family 'biggan'", ex.Message);
    }

    [Fact]
    public void Missing_config_is_reported()
    {
        var path = WriteEdited("noconfig.safetensors", (_, m) => m.Remove("config"));
        Assert.Contains("missing 'config' metadata", LoadFails(path).Message);
    }

    [Fact]
    public void Missing_format_is_reported()
    {
        var path = WriteEdited("noformat.safetensors", (_, m) => m.Remove("format"));
        Assert.Contains("missing 'format' metadata", LoadFails(path).Message);
        Assert.Contains("missing 'format' metadata", Assert.Throws<CheckpointException>(() => Checkpoint.ReadInfo(path)).Message);
    }

    [Fact]
    public void Wrong_format_is_reported()
    {
        var path = WriteEdited("format2.safetensors", (_, m) => m["format"] = "genmerge/99");
        Assert.Contains("unsupported checkpoint format 'genmerge/99'", LoadFails(path).Message);
    }

    [Fact]
    public void Missing_tensor_is_named()
    {
        var path = WriteEdited("missing.safetensors", (t, _) => t.Remove("D.fc.bias"));
        Assert.Contains("missing tensor 'D.fc.bias'", LoadFails(path).Message);
    }

    [Fact]
    public void Extra_tensor_is_named()
    {
        var path = WriteEdited("extra.safetensors", (t, _) => t["G.surprise"] = zeros(2));
        Assert.Contains("unexpected tensor 'G.surprise'", LoadFails(path).Message);
    }

    [Fact]
    public void Misshaped_tensor_names_expected_and_found_shapes()
    {
        var path = WriteEdited("shape.safetensors", (t, _) => t["G_ema.fc1.weight"] = zeros(4, 8));
        var ex = LoadFails(path);
        Assert.Contains("tensor 'G_ema.fc1.weight': expected shape [8, 4], found [4, 8]", ex.Message);
    }

    [Fact]
    public void Wrong_integer_dtype_is_named()
    {
        var path = WriteEdited("dtype.safetensors", (t, _) => t["G.steps"] = tensor(new[] { 7f }));
        Assert.Contains("tensor 'G.steps': expected dtype I64, found F32", LoadFails(path).Message);
    }

    [Fact]
    public void Nan_weight_names_the_first_offending_tensor()
    {
        var path = WriteEdited("nan.safetensors", (t, _) =>
        {
            var w = t["G.fc2.weight"].clone();
            w[0, 0] = tensor(float.NaN);
            t["G.fc2.weight"] = w;
            var b = t["G.fc2.bias"].clone();
            b[1] = tensor(float.PositiveInfinity);
            t["G.fc2.bias"] = b;
        });
        var ex = LoadFails(path);
        Assert.Contains("tensor 'G.fc2.bias' contains NaN or Inf", ex.Message);
    }

    /// <summary>A checkpoint of the tiny model with one weight of G.fc2 set to <paramref name="value"/>.</summary>
    private string WithWeight(string name, float value) => WriteEdited(name, (t, _) =>
    {
        var w = t["G.fc2.weight"].clone();
        w[0, 0] = tensor(value);
        t["G.fc2.weight"] = w;
    });

    [Fact]
    public void Huge_finite_weight_is_refused_naming_the_tensor()
    {
        var ex = LoadFails(WithWeight("huge.safetensors", 3e38f));
        Assert.Contains("tensor 'G.fc2.weight' holds a value of magnitude 3E+38", ex.Message);
    }

    [Fact]
    public void Weight_at_the_magnitude_limit_still_loads() =>
        Checkpoint.Load(WithWeight("large.safetensors", (float)Checkpoint.MaxAbsWeight), null, TinyModels.Factory).Dispose();

    [Fact]
    public void A_folder_is_not_a_checkpoint_file()
    {
        var path = PathFor("folder.safetensors");
        Directory.CreateDirectory(path);
        var ex = LoadFails(path);
        Assert.Contains("is a folder, not a checkpoint file", ex.Message);
        Assert.DoesNotContain("denied", ex.Message);
    }

    [Fact]
    public void Duplicate_metadata_keys_are_refused()
    {
        var good = WriteEdited("dupmeta-src.safetensors", (_, _) => { });
        var bytes = File.ReadAllBytes(good);
        int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, length);
        var edited = header.Replace("\"__metadata__\":{", "\"__metadata__\":{\"format\":\"genmerge/0\",");
        Assert.NotEqual(header, edited);
        var path = PathFor("dupmeta.safetensors");
        WriteWithHeader(path, edited, bytes[(8 + length)..]);
        Assert.Contains("names 'format' twice", LoadFails(path).Message);
    }

    [Fact]
    public void Oversized_metadata_is_refused()
    {
        var path = WriteEdited("bigmeta.safetensors", (_, m) => m["notes"] = new string('x', 10_000_000));
        var ex = LoadFails(path);
        Assert.Contains("__metadata__ is larger than", ex.Message);
        Assert.Contains("'notes'", ex.Message);
    }

    /// <summary>A header of the test's own (padded to 8 bytes as writers do) before the given data section.</summary>
    private static void WriteWithHeader(string path, string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson.TrimEnd() + new string(' ', (8 - Encoding.UTF8.GetByteCount(headerJson.TrimEnd()) % 8) % 8));
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void Missing_file_is_reported()
    {
        var path = PathFor("nope.safetensors");
        Assert.Contains("does not exist", LoadFails(path).Message);
    }

    /// <summary>A stream that cannot seek or report its length, like a network download.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
