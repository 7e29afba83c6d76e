using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using static TorchSharp.torch;

namespace GenMerge.Core.Checkpoints;

/// <summary>
/// The safetensors format, written directly so the <c>__metadata__</c> string map is kept: 8-byte
/// little-endian header length, JSON header (dtype, shape, data_offsets per tensor), padded with spaces to a
/// multiple of 8, then raw little-endian tensor bytes. Output is deterministic: tensors ordered by element
/// size (largest first, keeping them aligned) then name, metadata keys sorted. Errors are
/// <see cref="CheckpointException"/>s naming the source.
/// </summary>
public static class SafeTensors
{
    public const string MetadataKey = "__metadata__";
    /// <summary>Headers larger than this are rejected as corrupt (the reference implementation's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;
    /// <summary>
    /// Most bytes of <c>__metadata__</c> strings taken together. A GenMerge checkpoint's config, class names and
    /// provenance take a few KB; megabytes of it are a corrupt or hostile file, refused before anything parses them.
    /// </summary>
    public const long MaxMetadataChars = 1 << 20;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static SafeTensors()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors I/O assumes a little-endian machine");
    }

    /// <summary>Writes tensors (any device; copied to the CPU) and optional metadata to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var ordered = tensors
            .Select(kv => (Name: kv.Key, Tensor: kv.Value, DType: SafeTensorsDType.NameOf(kv.Value.dtype), Size: (int)kv.Value.element_size()))
            .OrderByDescending(t => t.Size).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
        foreach (var t in ordered)
            if (string.IsNullOrEmpty(t.Name) || t.Name == MetadataKey)
                throw new ArgumentException($"tensor name '{t.Name}' is not allowed in safetensors", nameof(tensors));

        var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json, WriterOptions))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var kv in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(kv.Key, kv.Value);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in ordered)
            {
                long bytes = t.Tensor.numel() * t.Size;
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", t.DType);
                w.WriteStartArray("shape");
                foreach (var d in t.Tensor.shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        int padding = (int)((8 - json.Length % 8) % 8);
        for (int i = 0; i < padding; i++) json.WriteByte((byte)' ');

        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)json.Length);
        stream.Write(prefix);
        json.Position = 0;
        json.CopyTo(stream);
        foreach (var t in ordered)
        {
            using var scope = NewDisposeScope();
            var cpu = t.Tensor.detach().cpu().contiguous();
            stream.Write(cpu.bytes);
        }
        stream.Flush();
    }

    /// <summary>Writes a safetensors file atomically (temporary file, then rename), creating its folder.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.Write(path, s => Write(s, tensors, metadata));

    /// <summary>Reads every tensor (onto the CPU) and the metadata.</summary>
    public static SafeTensorsFile Read(Stream stream, string? source = null)
    {
        source ??= Describe(stream);
        var header = ReadHeader(stream, source);
        return new SafeTensorsFile(header.Metadata, ReadData(stream, header, source));
    }

    public static SafeTensorsFile Load(string path)
    {
        using var stream = OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>
    /// Reads and checks the header, leaving the stream at the start of the data section. Seekable streams are
    /// also checked for truncation against their length.
    /// </summary>
    public static SafeTensorsHeader ReadHeader(Stream stream, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        source ??= Describe(stream);
        long? available = stream.CanSeek ? stream.Length - stream.Position : null;
        Span<byte> prefix = stackalloc byte[8];
        int got = stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false);
        if (got < 8)
            throw new CheckpointException(source, $"not a safetensors file: only {got} bytes, too short for the 8-byte header length");
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length == 0 || length > MaxHeaderLength || (available is { } a && (long)length > a - 8))
            throw new CheckpointException(source, $"not a safetensors file: header length {length} is impossible" +
                (available is { } b ? $" for a {b}-byte file" : $" (limit {MaxHeaderLength})"));
        var bytes = new byte[length];
        got = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (got < bytes.Length)
            throw new CheckpointException(source, $"truncated: header needs {length} bytes but the stream ends after {got}");

        var header = ParseHeader(bytes, source);
        if (available is { } total && header.DataStart + header.DataLength > total)
            throw new CheckpointException(source, $"truncated: data section has {total - header.DataStart} bytes but the tensor offsets need {header.DataLength}");
        return header;
    }

    /// <summary>Reads the data section described by <paramref name="header"/>; the stream must be at its start.</summary>
    public static Dictionary<string, Tensor> ReadData(Stream stream, SafeTensorsHeader header, string? source = null)
    {
        source ??= Describe(stream);
        var result = new Dictionary<string, Tensor>();
        long position = 0;
        try
        {
            foreach (var e in header.Entries)
            {
                Skip(stream, e.Begin - position, source);
                position = e.Begin;
                var t = empty(e.Shape, e.ScalarType);
                result.Add(e.Name, t);
                var span = t.bytes;
                int got = stream.ReadAtLeast(span, span.Length, throwOnEndOfStream: false);
                if (got < span.Length)
                    throw new CheckpointException(source, $"truncated: tensor '{e.Name}' needs data bytes {e.Begin}..{e.End} but the data ends after {e.Begin + got}");
                position = e.End;
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    internal static FileStream OpenRead(string path)
    {
        // FileStream says "Access to the path is denied" for a folder, which sends users looking at permissions.
        if (Directory.Exists(path)) throw new CheckpointException(path, "is a folder, not a checkpoint file");
        try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20); }
        catch (FileNotFoundException ex) { throw new CheckpointException(path, "file does not exist", ex); }
        catch (DirectoryNotFoundException ex) { throw new CheckpointException(path, "file does not exist", ex); }
    }

    internal static string Describe(Stream stream) => stream is FileStream fs ? fs.Name : "<stream>";

    private static void Skip(Stream stream, long count, string source)
    {
        if (count <= 0) return;
        if (stream.CanSeek) { stream.Seek(count, SeekOrigin.Current); return; }
        var buffer = new byte[Math.Min(count, 1 << 16)];
        while (count > 0)
        {
            int n = stream.Read(buffer, 0, (int)Math.Min(count, buffer.Length));
            if (n == 0) throw new CheckpointException(source, "truncated: the data section ends early");
            count -= n;
        }
    }

    private static SafeTensorsHeader ParseHeader(byte[] bytes, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes); }
        catch (JsonException ex) { throw new CheckpointException(source, $"not a safetensors file: header is not valid JSON ({ex.Message})", ex); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException(source, "not a safetensors file: header is not a JSON object");
            var metadata = new Dictionary<string, string>();
            var entries = new List<SafeTensorEntry>();
            var seen = new HashSet<string>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(p.Name)) throw new CheckpointException(source, $"header names '{p.Name}' twice");
                if (p.Name == MetadataKey)
                {
                    if (p.Value.ValueKind != JsonValueKind.Object)
                        throw new CheckpointException(source, $"{MetadataKey} is not a JSON object");
                    long chars = 0;
                    foreach (var m in p.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw new CheckpointException(source, $"{MetadataKey} value '{m.Name}' is not a string");
                        // JSON parsers keep one of two equal keys silently; which one differs between readers.
                        if (metadata.ContainsKey(m.Name))
                            throw new CheckpointException(source, $"{MetadataKey} names '{m.Name}' twice");
                        metadata[m.Name] = m.Value.GetString()!;
                        chars += m.Name.Length + metadata[m.Name].Length;
                        if (chars > MaxMetadataChars)
                            throw new CheckpointException(source, $"{MetadataKey} is larger than {MaxMetadataChars} characters (at '{m.Name}'): not a GenMerge checkpoint's metadata");
                    }
                    continue;
                }
                entries.Add(ParseEntry(p, source));
            }
            entries.Sort((x, y) => x.Begin != y.Begin ? x.Begin.CompareTo(y.Begin) : x.End.CompareTo(y.End));
            for (int i = 1; i < entries.Count; i++)
                if (entries[i].Begin < entries[i - 1].End)
                    throw new CheckpointException(source, $"tensors '{entries[i - 1].Name}' and '{entries[i].Name}' overlap in the data section");
            return new SafeTensorsHeader(metadata, entries, bytes.Length);
        }
    }

    private static SafeTensorEntry ParseEntry(JsonProperty p, string source)
    {
        CheckpointException Bad(string what) => new(source, $"tensor '{p.Name}': {what}");
        if (p.Value.ValueKind != JsonValueKind.Object) throw Bad("header entry is not a JSON object");
        if (!p.Value.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw Bad("missing dtype");
        var dtype = dt.GetString()!;
        if (!SafeTensorsDType.TryParse(dtype, out _, out int size))
            throw Bad($"unsupported dtype '{dtype}' (supported: {string.Join(", ", SafeTensorsDType.Names)})");
        if (!p.Value.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw Bad("missing shape");
        var shape = new long[sh.GetArrayLength()];
        int k = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var v) || v < 0) throw Bad($"bad shape {sh.GetRawText()}");
            shape[k++] = v;
        }
        if (!p.Value.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad("missing data_offsets [begin, end]");
        long begin = off[0].TryGetInt64(out var b) ? b : -1, end = off[1].TryGetInt64(out var e) ? e : -1;
        if (begin < 0 || end < begin) throw Bad($"bad data_offsets {off.GetRawText()}");
        var entry = new SafeTensorEntry(p.Name, dtype, shape, begin, end);
        long need = entry.ElementCount * size;
        if (end - begin != need)
            throw Bad($"data_offsets span {end - begin} bytes but dtype {dtype} shape {entry.ShapeText} needs {need}");
        return entry;
    }
}
