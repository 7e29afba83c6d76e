using GenMerge.Core.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Interop;

/// <summary>A torch typed-storage class (<c>torch.FloatStorage</c>, ...): its dtype and element size.</summary>
public sealed record TorchStorageType(string Name, ScalarType DType, int ElementSize)
{
    public static readonly IReadOnlyList<TorchStorageType> All = new TorchStorageType[]
    {
        new("FloatStorage", ScalarType.Float32, 4), new("DoubleStorage", ScalarType.Float64, 8),
        new("HalfStorage", ScalarType.Float16, 2), new("BFloat16Storage", ScalarType.BFloat16, 2),
        new("LongStorage", ScalarType.Int64, 8), new("IntStorage", ScalarType.Int32, 4),
        new("ShortStorage", ScalarType.Int16, 2), new("CharStorage", ScalarType.Int8, 1),
        new("ByteStorage", ScalarType.Byte, 1), new("BoolStorage", ScalarType.Bool, 1),
    };

    public static TorchStorageType ForDType(ScalarType t) =>
        All.FirstOrDefault(s => s.DType == t) ?? throw new NotSupportedException($"dtype {t} has no torch storage type here");
}

/// <summary>
/// One storage: its declared size and raw little-endian bytes. In a legacy stream the bytes follow the object
/// pickle, so tensors are built against the declared size and the bytes are filled in afterwards. The bytes are
/// a slice of the file's one buffer, not a copy of their own.
/// </summary>
public sealed class TorchStorage(TorchStorageType type, long elementCount, ReadOnlyMemory<byte>? bytes = null)
{
    private ReadOnlyMemory<byte>? _bytes = bytes;
    public TorchStorageType Type { get; } = type;
    public long ElementCount { get; } = elementCount;
    public ReadOnlyMemory<byte> Bytes
    {
        get => _bytes ?? throw new InvalidOperationException("storage bytes not read yet");
        set => _bytes = value.Length == ElementCount * Type.ElementSize ? value : throw new ArgumentException("storage size mismatch");
    }
}

/// <summary>A tensor as torch pickles it: a view (offset, shape, stride, in elements) into a storage; checked to fit.</summary>
public sealed class PickledTensor
{
    public PickledTensor(string source, TorchStorage storage, long offset, long[] shape, long[] stride)
    {
        if (shape.Length != stride.Length)
            throw new CheckpointException(source, $"tensor has {shape.Length} sizes but {stride.Length} strides");
        if (offset < 0 || shape.Any(s => s < 0) || stride.Any(s => s < 0))
            throw new CheckpointException(source, $"tensor has a negative offset, size or stride (offset {offset}, shape [{string.Join(", ", shape)}], stride [{string.Join(", ", stride)}])");
        long numel = shape.Aggregate(1L, (a, b) => checked(a * b));
        if (numel > 0)
        {
            long last = offset;
            for (int i = 0; i < shape.Length; i++) last = checked(last + (shape[i] - 1) * stride[i]);
            if (last >= storage.ElementCount)
                throw new CheckpointException(source, $"tensor of shape [{string.Join(", ", shape)}] (stride [{string.Join(", ", stride)}], offset {offset}) reaches element {last} of a storage that holds {storage.ElementCount}");
        }
        Storage = storage; Offset = offset; Shape = shape; Stride = stride;
    }

    public TorchStorage Storage { get; }
    public long Offset { get; }
    public long[] Shape { get; }
    public long[] Stride { get; }
    public ScalarType DType => Storage.Type.DType;

    /// <summary>A new contiguous CPU tensor holding a copy of the view, made straight from the storage's bytes.</summary>
    public Tensor ToTensor()
    {
        using var scope = NewDisposeScope();
        var flat = empty(Storage.ElementCount, DType);
        Storage.Bytes.Span.CopyTo(flat.bytes);
        return flat.as_strided(Shape, Stride, Offset).clone().MoveToOuterDisposeScope();
    }
}
