using static TorchSharp.torch;

namespace GenMerge.Core.Data;

/// <summary>
/// Images held in memory, [N, C, R, R] (e.g. a synthetic-data shard), drawn in seeded shuffled epochs.
/// Keeps its own CPU float32 copy, outside any dispose scope; dispose the source to free it.
/// </summary>
public sealed class TensorImageSource : IImageSource, IDisposable
{
    private readonly Tensor _images;
    private readonly EpochSampler _sampler;

    public TensorImageSource(Tensor images, long seed, string name = "tensor")
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[0] == 0 || images.shape[2] != images.shape[3])
            throw new ArgumentException($"images must be [N, C, R, R] with N > 0; found [{string.Join(", ", images.shape)}]", nameof(images));
        if (images.shape[0] > int.MaxValue) throw new ArgumentException($"images: {images.shape[0]} images is too many", nameof(images));
        _images = images.detach().to(ScalarType.Float32, CPU, copy: true).contiguous().DetachFromDisposeScope();
        _sampler = new EpochSampler((int)images.shape[0], seed);
        Name = name;
        Seed = seed;
    }

    public string Name { get; }
    public int Resolution => (int)_images.shape[2];
    public int Channels => (int)_images.shape[1];
    public int Count => (int)_images.shape[0];
    public long Seed { get; }
    public long Epoch => _sampler.Epoch;

    public Tensor NextBatch(int batchSize) => NextBatch(batchSize, out _);

    /// <summary>Next batch, and the row indices it came from (to pick matching labels).</summary>
    public Tensor NextBatch(int batchSize, out long[] indices)
    {
        indices = _sampler.Next(batchSize).Select(i => (long)i).ToArray();
        using var index = tensor(indices);
        return _images.index_select(0, index);
    }

    public void Dispose() => _images.Dispose();
}
