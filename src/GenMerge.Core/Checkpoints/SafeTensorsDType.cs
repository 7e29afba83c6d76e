using static TorchSharp.torch;

namespace GenMerge.Core.Checkpoints;

/// <summary>safetensors dtype names for the TorchSharp scalar types this project stores.</summary>
public static class SafeTensorsDType
{
    private static readonly (string Name, ScalarType Type, int Size)[] Table =
    {
        ("F64", ScalarType.Float64, 8), ("F32", ScalarType.Float32, 4), ("F16", ScalarType.Float16, 2),
        ("BF16", ScalarType.BFloat16, 2), ("I64", ScalarType.Int64, 8), ("I32", ScalarType.Int32, 4),
        ("I16", ScalarType.Int16, 2), ("I8", ScalarType.Int8, 1), ("U8", ScalarType.Byte, 1), ("BOOL", ScalarType.Bool, 1),
    };

    public static IReadOnlyList<string> Names { get; } = Table.Select(t => t.Name).ToArray();

    public static string NameOf(ScalarType type)
    {
        foreach (var t in Table) if (t.Type == type) return t.Name;
        throw new NotSupportedException($"dtype {type} cannot be stored in safetensors here (supported: {string.Join(", ", Names)})");
    }

    public static bool TryParse(string name, out ScalarType type, out int elementSize)
    {
        foreach (var t in Table)
            if (t.Name == name) { type = t.Type; elementSize = t.Size; return true; }
        type = default; elementSize = 0;
        return false;
    }

    public static bool IsFloating(ScalarType type) =>
        type is ScalarType.Float64 or ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16;
}
