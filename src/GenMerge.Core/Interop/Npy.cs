using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using GenMerge.Core.Checkpoints;
using static TorchSharp.torch;

namespace GenMerge.Core.Interop;

/// <summary>NumPy .npy files (format 1.0-3.0, C order, little-endian float32/float64 in; float32 out).</summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads an array as a float32 CPU tensor.</summary>
    public static Tensor Read(string path)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (FileNotFoundException e) { throw new CheckpointException(path, "file does not exist", e); }
        if (data.Length < 10 || !data.AsSpan(0, 6).SequenceEqual(Magic)) throw new CheckpointException(path, "not a .npy file (bad magic)");
        int major = data[6];
        int headerLen = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(8, 2)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(8, 4));
        int start = major == 1 ? 10 : 12;
        if (headerLen < 0 || start + headerLen > data.Length) throw new CheckpointException(path, "truncated .npy header");
        var header = Encoding.Latin1.GetString(data, start, headerLen);
        var descr = DescrRe().Match(header);
        var order = FortranRe().Match(header);
        var shapeM = ShapeRe().Match(header);
        if (!descr.Success || !order.Success || !shapeM.Success) throw new CheckpointException(path, $"unreadable .npy header: {header.Trim()}");
        if (order.Groups[1].Value == "True") throw new CheckpointException(path, ".npy in Fortran order is not supported");
        var shape = shapeM.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        var (type, size) = descr.Groups[1].Value switch
        {
            "<f4" => (ScalarType.Float32, 4),
            "<f8" => (ScalarType.Float64, 8),
            var d => throw new CheckpointException(path, $".npy dtype '{d}' is not supported (expected float32 '<f4' or float64 '<f8')"),
        };
        long count = shape.Aggregate(1L, (a, b) => a * b);
        int offset = start + headerLen;
        if (count * size != data.Length - offset)
            throw new CheckpointException(path, $".npy data has {data.Length - offset} bytes but shape ({string.Join(", ", shape)}) needs {count * size}");
        var t = empty(shape, type);
        data.AsSpan(offset).CopyTo(t.bytes);
        return type == ScalarType.Float32 ? t : t.to_type(ScalarType.Float32);
    }

    /// <summary>Writes a tensor as little-endian float32 .npy (atomically).</summary>
    public static void Write(string path, Tensor t)
    {
        using var scope = NewDisposeScope();
        var cpu = t.detach().cpu().to_type(ScalarType.Float32).contiguous();
        var dims = string.Join(", ", cpu.shape) + (cpu.shape.Length == 1 ? "," : "");
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        AtomicFile.Write(path, s =>
        {
            s.Write(Magic);
            s.WriteByte(1); s.WriteByte(0);
            Span<byte> len = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
            s.Write(len);
            s.Write(Encoding.Latin1.GetBytes(header));
            s.Write(cpu.bytes);
        });
    }

    [GeneratedRegex(@"'descr':\s*'([^']*)'")] private static partial Regex DescrRe();
    [GeneratedRegex(@"'fortran_order':\s*(True|False)")] private static partial Regex FortranRe();
    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")] private static partial Regex ShapeRe();
}
