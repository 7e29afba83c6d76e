using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using GenMerge.Core.Checkpoints;

namespace GenMerge.Core.Interop;

/// <summary>
/// Reads the object graph of a torch or stylegan2-ada file without Python and without running anything in it:
/// a torch zip file (<c>torch.save</c> default: <c>ARCHIVE/data.pkl</c> + <c>ARCHIVE/data/KEY</c>), a legacy
/// torch.save stream (magic number, protocol, sys info, object pickle, storage keys, raw storages), or a plain
/// pickle (stylegan2-ada's network-snapshot-*.pkl, whose tensors are legacy streams inside
/// <c>torch.storage._load_from_bytes</c>). All go through one allow-listed <see cref="PickleReader"/>.
/// </summary>
public static class TorchFile
{
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);

    public static object? Load(string path)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (FileNotFoundException e) { throw new CheckpointException(path, "file does not exist", e); }
        catch (DirectoryNotFoundException e) { throw new CheckpointException(path, "file does not exist", e); }
        return Load(data, path);
    }

    /// <summary>Bytes objects and legacy storages in the result are slices of <paramref name="data"/> (no copies): it stays alive as long as they do.</summary>
    public static object? Load(ReadOnlyMemory<byte> data, string source)
    {
        if (IsZip(data.Span)) return LoadZip(data, source);
        if (data.Length == 0 || data.Span[0] != 0x80)
            throw new CheckpointException(source, "not a pickle or torch file (expected a zip archive or a pickle starting with the PROTO opcode)");
        int pos = 0;
        var first = Reader(source, null).Load(data, ref pos);
        if (first is BigInteger b && b == LegacyMagic) return LoadLegacy(data, source);
        if (pos != data.Length)
            throw new CheckpointException(source, $"{data.Length - pos} bytes follow the pickle's STOP opcode (not a pickle file)");
        return first;
    }

    private static PickleReader Reader(string source, Func<object?, object?>? persistentLoad) =>
        new(source, TorchGlobals.Create(source, bytes => IsZip(bytes.Span) ? LoadZip(bytes, source + " (embedded tensor storage)")
                                                                      : LoadLegacy(bytes, source + " (embedded tensor storage)")), persistentLoad);

    private static bool IsZip(ReadOnlySpan<byte> data) => data.Length >= 4 && data[0] == 'P' && data[1] == 'K' && data[2] == 3 && data[3] == 4;

    /// <summary>torch's legacy serialisation (torch.save with _use_new_zipfile_serialization=False).</summary>
    public static object? LoadLegacy(ReadOnlyMemory<byte> data, string source)
    {
        int pos = 0;
        var plain = Reader(source, null);
        if (plain.Load(data, ref pos) is not BigInteger magic || magic != LegacyMagic)
            throw new CheckpointException(source, "not a legacy torch stream (wrong magic number)");
        if (plain.Load(data, ref pos) is not long version || version != 1001)
            throw new CheckpointException(source, "legacy torch stream: unsupported protocol version (expected 1001)");
        if (plain.Load(data, ref pos) is PyDict sys && sys.Get("little_endian") is false)
            throw new CheckpointException(source, "legacy torch stream written on a big-endian machine is not supported");

        var storages = new Dictionary<string, TorchStorage>();
        object? PersistentLoad(object? pid)
        {
            var (t, type, key, numel) = StorageId(pid, source);
            if (numel < 0) throw new CheckpointException(source, $"storage '{key}' declares {numel} elements");
            if (t.Length > 5 && t[5] is object?[] { Length: 3 })
                throw new CheckpointException(source, "legacy storage views are not supported");
            if (storages.TryGetValue(key, out var known))
                return known.Type == type && known.ElementCount == numel ? known
                    : throw new CheckpointException(source, $"storage '{key}' declared twice with different types or sizes");
            return storages[key] = new TorchStorage(type, numel);
        }
        var obj = Reader(source, PersistentLoad).Load(data, ref pos);
        if (plain.Load(data, ref pos) is not List<object?> keys)
            throw new CheckpointException(source, "legacy torch stream: storage key list missing");
        foreach (var k in keys)
        {
            if (k is not string key || !storages.TryGetValue(key, out var d))
                throw new CheckpointException(source, $"legacy torch stream: storage key {PickleReader.Describe(k)} was not declared");
            if (data.Length - pos < 8) throw new CheckpointException(source, $"truncated: storage '{key}' is missing");
            long numel = BinaryPrimitives.ReadInt64LittleEndian(data.Span.Slice(pos, 8));
            pos += 8;
            if (numel != d.ElementCount) throw new CheckpointException(source, $"storage '{key}' holds {numel} elements but was declared with {d.ElementCount}");
            long bytes = checked(numel * d.Type.ElementSize);
            if (numel < 0 || bytes > data.Length - pos)
                throw new CheckpointException(source, $"truncated: storage '{key}' needs {bytes} bytes but the stream has {data.Length - pos} left");
            d.Bytes = data.Slice(pos, (int)bytes);   // a view: copying here kept one more whole file resident
            pos += (int)bytes;
        }
        if (pos != data.Length) throw new CheckpointException(source, $"legacy torch stream: {data.Length - pos} unexpected bytes at the end");
        var unfilled = storages.Where(kv => kv.Value.ElementCount > 0 && !keys.Contains(kv.Key)).Select(kv => kv.Key).FirstOrDefault();
        if (unfilled is not null) throw new CheckpointException(source, $"storage '{unfilled}' has no data");
        foreach (var s in storages.Values.Where(s => s.ElementCount == 0)) s.Bytes = ReadOnlyMemory<byte>.Empty;
        return obj;
    }

    /// <summary>torch.save's default zip format.</summary>
    public static object? LoadZip(ReadOnlyMemory<byte> data, string source)
    {
        // a MemoryStream needs an array: reuse the one under the slice where there is one
        var stream = MemoryMarshal.TryGetArray(data, out var seg) ? new MemoryStream(seg.Array!, seg.Offset, seg.Count, writable: false)
                                                                  : new MemoryStream(data.ToArray(), writable: false);
        ZipArchive zip;
        try { zip = new ZipArchive(stream, ZipArchiveMode.Read); }
        catch (InvalidDataException e) { throw new CheckpointException(source, $"corrupt or truncated zip archive ({e.Message})", e); }
        using (zip)
        {
            var pkl = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1).ToList();
            if (pkl.Count != 1) throw new CheckpointException(source, "zip archive is not a torch file (no single ARCHIVE/data.pkl)");
            var prefix = pkl[0].FullName[..^"data.pkl".Length];
            if (zip.GetEntry(prefix + "byteorder") is { } order && Encoding.ASCII.GetString(ReadEntry(order, source)).Trim() != "little")
                throw new CheckpointException(source, "torch file written with big-endian byte order is not supported");
            var cache = new Dictionary<string, TorchStorage>();
            object? PersistentLoad(object? pid)
            {
                var (_, type, key, numel) = StorageId(pid, source);
                if (cache.TryGetValue(key, out var s)) return s;
                var entry = zip.GetEntry(prefix + "data/" + key) ?? throw new CheckpointException(source, $"zip archive lacks storage '{prefix}data/{key}'");
                long bytes = checked(numel * type.ElementSize);
                if (numel < 0 || entry.Length != bytes)
                    throw new CheckpointException(source, $"storage '{key}' has {entry.Length} bytes but {numel} {type.Name} elements need {bytes}");
                return cache[key] = new TorchStorage(type, numel, ReadEntry(entry, source));
            }
            return Reader(source, PersistentLoad).Load(ReadEntry(pkl[0], source));
        }
    }

    private static byte[] ReadEntry(ZipArchiveEntry e, string source)
    {
        try
        {
            using var s = e.Open();
            var ms = new MemoryStream((int)Math.Min(e.Length, int.MaxValue));
            s.CopyTo(ms);
            if (ms.Length != e.Length) throw new CheckpointException(source, $"zip entry '{e.FullName}' is truncated");
            return ms.ToArray();
        }
        catch (InvalidDataException ex) { throw new CheckpointException(source, $"zip entry '{e.FullName}' is corrupt ({ex.Message})", ex); }
    }

    /// <summary>A storage's persistent id, as both formats write it: ("storage", type, key, location, numel[, view]).</summary>
    private static (object?[] Id, TorchStorageType Type, string Key, long ElementCount) StorageId(object? pid, string source)
    {
        if (pid is not object?[] { Length: >= 5 } t || t[0] is not "storage" || t[1] is not PickleGlobal g || t[2] is not string key)
            throw new CheckpointException(source, $"unsupported persistent id {PickleReader.Describe(pid)}");
        return (t, StorageType(g, source), key, TorchGlobals.Long(t[4]));
    }

    private static TorchStorageType StorageType(PickleGlobal g, string source) =>
        g.Module == "torch" ? TorchStorageType.All.FirstOrDefault(t => t.Name == g.Name) ?? throw new CheckpointException(source, $"unsupported storage type '{g.FullName}'")
                            : throw new CheckpointException(source, $"unsupported storage type '{g.FullName}'");
}
