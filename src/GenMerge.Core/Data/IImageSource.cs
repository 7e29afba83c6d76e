using static TorchSharp.torch;

namespace GenMerge.Core.Data;

/// <summary>A stream of training or reference images: [B, C, R, R] float32 in [-1, 1] on the CPU.</summary>
public interface IImageSource
{
    /// <summary>Human-readable name, e.g. "domain:rings" or a folder path.</summary>
    string Name { get; }
    int Resolution { get; }
    /// <summary>Next batch; deterministic given the source's seed and the sequence of calls.</summary>
    Tensor NextBatch(int batchSize);
}
