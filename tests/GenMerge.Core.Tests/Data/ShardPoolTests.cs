using GenMerge.Core.Data;
using GenMerge.Core.Training;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Data;

public class ShardPoolTests
{
    /// <summary>n one-pixel grey images, image i of value i, with latent [i + offset].</summary>
    static ShardPool Numbered(int n, long seed, float offset = 0)
    {
        using var scope = NewDisposeScope();
        var images = arange(n, dtype: int64).to(uint8).view(n, 1, 1, 1).expand(n, 3, 1, 1);
        var z = arange(n, dtype: float32).add(offset).view(n, 1);
        return new ShardPool(images, z, seed, "numbered");
    }

    [Fact]
    public void A_pool_keeps_each_image_with_its_latent_and_draws_every_sample_once_per_epoch()
    {
        using var pool = Numbered(10, seed: 3);
        var (images, z) = pool.Next(10);
        var values = images[.., 0, 0, 0].add(1).mul(127.5).round().to(int64).data<long>().ToArray();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), values.Order());
        Assert.NotEqual(Enumerable.Range(0, 10).Select(i => (long)i), values); // shuffled
        Assert.Equal(values.Select(v => (float)v), z![.., 0].data<float>().ToArray());
        Assert.Equal(ScalarType.Float32, images.dtype);
    }

    [Fact]
    public void Class_mix_pairs_keep_latent_image_and_label_together()
    {
        using var a = Numbered(8, seed: 1);
        using var b = Numbered(8, seed: 2, offset: 1000);
        var mix = new ClassMixData(new IClassSamples[] { a, b }, seed: 5);
        Assert.True(mix.HasLatents);
        var (z, images, ids) = mix.NextPairs(64);
        var zs = z[.., 0].data<float>().ToArray();
        var pix = images[.., 0, 0, 0].add(1).mul(127.5).round().data<float>().ToArray();
        var labels = ids!.data<long>().ToArray();
        Assert.Contains(0L, labels);
        Assert.Contains(1L, labels);
        for (int i = 0; i < 64; i++) Assert.Equal(zs[i], pix[i] + 1000 * labels[i]);
    }

    [Fact]
    public void Real_images_have_no_pairs_and_a_bad_pool_is_named()
    {
        var real = new ClassMixData(new IImageSource[] { ProceduralDomain.Create("rings", 16, 1) }, seed: 1);
        Assert.False(real.HasLatents);
        Assert.Throws<InvalidOperationException>(() => real.NextPairs(2));
        using var floats = zeros(4, 3, 8, 8);
        using var z = zeros(4, 2);
        Assert.Contains("uint8", Assert.Throws<ArgumentException>(() => new ShardPool(floats, z, 1, "p")).Message);
        using var bytes = zeros(new long[] { 4, 3, 8, 8 }, dtype: uint8);
        using var short_z = zeros(3, 2);
        Assert.Contains("one latent per image", Assert.Throws<ArgumentException>(() => new ShardPool(bytes, short_z, 1, "p")).Message);
    }
}
