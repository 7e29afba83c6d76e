using static TorchSharp.torch;

namespace GenMerge.Core.Data;

/// <summary>
/// A class's synthetic-data shards held as they are stored: images uint8 (a quarter of float32's memory, so a pool
/// sized for a long job still fits), with the latents that made them; drawn in seeded shuffled epochs, converted to
/// float32 in [-1, 1] one batch at a time.
/// </summary>
public sealed class ShardPool : IClassSamples, IDisposable
{
    readonly Tensor images, z;
    readonly EpochSampler sampler;

    /// <param name="images">[N, C, R, R] uint8 (0..255), N &gt; 0.</param>
    /// <param name="z">[N, z_dim] float32: the latent of each image.</param>
    /// <param name="seed">Seed of the draw order.</param>
    /// <param name="name">Names the pool in errors and provenance.</param>
    public ShardPool(Tensor images, Tensor z, long seed, string name)
    {
        if (images.dim() != 4 || images.shape[0] == 0 || images.shape[2] != images.shape[3] || images.dtype != ScalarType.Byte)
            throw new ArgumentException($"{name}: images must be uint8 [N, C, R, R] with N > 0; found {images.dtype} [{string.Join(", ", images.shape)}]");
        if (z.dim() != 2 || z.shape[0] != images.shape[0])
            throw new ArgumentException($"{name}: z must be [N, z_dim] with N = {images.shape[0]} (one latent per image); found [{string.Join(", ", z.shape)}]");
        if (images.shape[0] > int.MaxValue) throw new ArgumentException($"{name}: {images.shape[0]} images is too many");
        this.images = images.detach().cpu().contiguous().DetachFromDisposeScope();
        this.z = z.detach().to(ScalarType.Float32, CPU).contiguous().DetachFromDisposeScope();
        sampler = new EpochSampler((int)images.shape[0], seed);
        Name = name;
    }

    public string Name { get; }
    public int Resolution => (int)images.shape[2];
    public int Count => (int)images.shape[0];
    public bool HasLatents => true;

    public (Tensor Images, Tensor? Z) Next(int n)
    {
        using var index = tensor(sampler.Next(n).Select(i => (long)i).ToArray());
        return (images.index_select(0, index).to(ScalarType.Float32).div_(127.5).sub_(1), z.index_select(0, index));
    }

    public void Dispose()
    {
        images.Dispose();
        z.Dispose();
    }
}
