using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using GenMerge.Core.Checkpoints;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Checkpoints;

public class SafeTensorsTests
{
    private static Dictionary<string, Tensor> AllDTypes()
    {
        manual_seed(3);
        return new Dictionary<string, Tensor>
        {
            ["f32"] = randn(2, 3),
            ["f64"] = randn(4, dtype: ScalarType.Float64),
            ["f16"] = randn(5).to(ScalarType.Float16),
            ["bf16"] = randn(3).to(ScalarType.BFloat16),
            ["i64"] = tensor(new long[] { -1, long.MaxValue }),
            ["i32"] = tensor(new[] { 1, -2, 3 }),
            ["u8"] = tensor(new byte[] { 0, 255 }),
            ["bool"] = tensor(new[] { true, false, true }),
            ["scalar"] = tensor(2.5f),
            ["empty"] = zeros(0, 4),
            ["strided"] = randn(3, 4).t(),
        };
    }

    [Fact]
    public void Every_supported_dtype_round_trips_exactly_with_metadata()
    {
        var tensors = AllDTypes();
        var meta = new Dictionary<string, string> { ["b"] = "two", ["a"] = "{\"json\": [1, 2]}" };
        var stream = new MemoryStream();
        SafeTensors.Write(stream, tensors, meta);
        var bytes = stream.ToArray();

        using var file = SafeTensors.Read(new MemoryStream(bytes));
        Assert.Equal(meta, file.Metadata);
        Assert.Equal(tensors.Keys.Order(), file.Tensors.Keys.Order());
        foreach (var (name, t) in tensors)
        {
            var back = file.Tensors[name];
            Assert.Equal(t.dtype, back.dtype);
            Assert.Equal(t.shape, back.shape);
            Assert.True(t.contiguous().bytes.SequenceEqual(back.bytes), name);
        }

        // Same input, same bytes (ordering and header are deterministic).
        var again = new MemoryStream();
        SafeTensors.Write(again, new Dictionary<string, Tensor>(tensors.Reverse()), meta);
        Assert.Equal(bytes, again.ToArray());
    }

    [Fact]
    public void Header_follows_the_safetensors_layout()
    {
        var stream = new MemoryStream();
        SafeTensors.Write(stream, new Dictionary<string, Tensor> { ["x"] = tensor(new[] { 1f, 2f }), ["h"] = tensor(new[] { (Half)1 }) },
                          new Dictionary<string, string> { ["k"] = "v" });
        var bytes = stream.ToArray();
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        Assert.Equal(8 + n + 8 + 2, bytes.Length);
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)n));
        Assert.Equal("v", doc.RootElement.GetProperty("__metadata__").GetProperty("k").GetString());
        var x = doc.RootElement.GetProperty("x");
        Assert.Equal("F32", x.GetProperty("dtype").GetString());
        Assert.Equal("[0,8]", x.GetProperty("data_offsets").GetRawText());
        Assert.Equal("[8,10]", doc.RootElement.GetProperty("h").GetProperty("data_offsets").GetRawText());
        Assert.Equal(1f, BitConverter.ToSingle(bytes, 8 + (int)n));
    }

    [Fact]
    public void Offsets_that_disagree_with_shape_are_rejected()
    {
        var header = Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}");
        var bytes = new byte[8 + header.Length + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        var ex = Assert.Throws<CheckpointException>(() => SafeTensors.Read(new MemoryStream(bytes), "mem"));
        Assert.Equal("mem: tensor 'w': data_offsets span 12 bytes but dtype F32 shape [2, 2] needs 16", ex.Message);
    }

    [Fact]
    public void Unknown_dtype_is_rejected()
    {
        var header = Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}");
        var bytes = new byte[8 + header.Length + 1];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        var ex = Assert.Throws<CheckpointException>(() => SafeTensors.Read(new MemoryStream(bytes), "mem"));
        Assert.Contains("unsupported dtype 'F8_E4M3'", ex.Message);
    }
}
