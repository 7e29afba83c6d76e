using static TorchSharp.torch;

namespace GenMerge.Core.Checkpoints;

/// <summary>One tensor's header entry; offsets are relative to the start of the data section.</summary>
public sealed record SafeTensorEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    public ScalarType ScalarType => SafeTensorsDType.TryParse(DType, out var t, out _) ? t : throw new InvalidOperationException(DType);
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>The parsed JSON header of a safetensors file, entries in data-offset order.</summary>
public sealed record SafeTensorsHeader(
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<SafeTensorEntry> Entries,
    long HeaderLength)
{
    /// <summary>Bytes the data section must hold (the largest end offset).</summary>
    public long DataLength => Entries.Count == 0 ? 0 : Entries.Max(e => e.End);
    /// <summary>File offset where the data section starts.</summary>
    public long DataStart => 8 + HeaderLength;
}

/// <summary>Tensors and metadata read from a safetensors stream; disposing frees the tensors.</summary>
public sealed class SafeTensorsFile : IDisposable
{
    public SafeTensorsFile(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, Tensor> tensors)
    {
        Metadata = metadata; Tensors = tensors;
    }

    public IReadOnlyDictionary<string, string> Metadata { get; }
    /// <summary>Tensors by name, in the file's data order, on the CPU.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
