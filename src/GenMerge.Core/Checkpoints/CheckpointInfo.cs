using GenMerge.Core.Models;

namespace GenMerge.Core.Checkpoints;

/// <summary>What a checkpoint holds, read from its header alone (no tensor data loaded).</summary>
public sealed record CheckpointInfo(
    string Source,
    string Format,
    ModelConfig Config,
    IReadOnlyList<string> ClassNames,
    Provenance Provenance,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<SafeTensorEntry> Tensors,
    long? FileLength)
{
    /// <summary>Total elements of the tensors whose names start with <paramref name="prefix"/> (e.g. "G."), parameters and buffers.</summary>
    public long ElementCount(string prefix = "") =>
        Tensors.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal)).Sum(t => t.ElementCount);
}
