using GenMerge.Core.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Metrics;

[Collection(ResNet18Collection.Name)]
public class ResNet18FeaturesTests(ResNet18Fixture fx)
{
    static Tensor RandomImages(int n, int channels = 3, int size = 16, int seed = 1)
    {
        torch.manual_seed(seed);
        return torch.rand(n, channels, size, size) * 2 - 1;
    }

    static Tensor Solid(int n, float r, float g, float b) =>
        torch.tensor(new[] { r, g, b }).reshape(1, 3, 1, 1).expand(n, 3, 16, 16).contiguous();

    [Fact]
    public void Features_have_shape_Nx512_are_deterministic_and_differ_between_images()
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(6);
        var a = fx.Batched.Extract(images);
        var b = fx.Batched.Extract(images);
        Assert.Equal(new long[] { 6, ResNet18Features.FeatureDim }, a.shape);
        Assert.Equal(ScalarType.Float32, a.dtype);
        Assert.True(a.eq(b).all().item<bool>(), "same images gave different features");
        Assert.True(a.isfinite().all().item<bool>());
        // Pooled ReLU outputs: non-negative and not all zero.
        Assert.True(a.min().item<float>() >= 0);
        double rowGap = (a[0] - a[1]).abs().max().item<float>();
        Assert.True(rowGap > 1e-3, $"features of two different images are nearly equal (max gap {rowGap})");
    }

    [Fact]
    public void Batched_features_match_batch_1_features()
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(5, seed: 2); // 5 with batch 8 also covers a partial batch
        var batched = fx.Batched.Extract(images);
        var single = fx.Single.Extract(images);
        double maxDiff = (batched - single).abs().max().item<float>();
        double scale = single.abs().max().item<float>();
        Assert.True(maxDiff <= 1e-4 * Math.Max(1, scale), $"batched vs batch-1 features differ by {maxDiff} (scale {scale})");
    }

    [Fact]
    public void Mean_image_is_BGR_with_Caffe_channel_means()
    {
        var means = fx.Batched.MeanImageBgr.mean(new long[] { 1, 2 }).data<float>().ToArray();
        Assert.Equal(new long[] { 3, 224, 224 }, fx.Batched.MeanImageBgr.shape);
        Assert.InRange(means[0], 100, 107); // B ~103.9
        Assert.InRange(means[1], 113, 120); // G ~116.8
        Assert.InRange(means[2], 120, 127); // R ~123.7
    }

    [Fact]
    public void Preprocess_scales_to_0_255_flips_to_BGR_and_subtracts_the_mean()
    {
        using var scope = NewDisposeScope();
        // Pure red (R=1 -> 255, G=B=-1 -> 0) at 224 px: no resize, so values are exact.
        var red = torch.tensor(new[] { 1f, -1f, -1f }).reshape(1, 3, 1, 1).expand(1, 3, 224, 224);
        var x = fx.Batched.Preprocess(red);
        var mean = fx.Batched.MeanImageBgr;
        Assert.Equal(new long[] { 1, 3, 224, 224 }, x.shape);
        Assert.True(x[0, 0].allclose(-mean[0], 1e-5, 1e-4)); // B channel: 0 - meanB
        Assert.True(x[0, 2].allclose(255 - mean[2], 1e-5, 1e-4)); // R channel last: 255 - meanR
    }

    [Fact]
    public void Grayscale_images_equal_their_three_channel_copy()
    {
        using var scope = NewDisposeScope();
        var gray = RandomImages(2, channels: 1, seed: 3);
        var a = fx.Batched.Extract(gray);
        var b = fx.Batched.Extract(gray.expand(-1, 3, -1, -1));
        Assert.True(a.allclose(b, 1e-5, 1e-5));
    }

    [Fact]
    public void Solid_red_and_solid_blue_images_are_far_apart()
    {
        using var scope = NewDisposeScope();
        var red = fx.Batched.Extract(Solid(3, 1, -1, -1));
        var blue = fx.Batched.Extract(Solid(3, -1, -1, 1));
        var red2 = fx.Batched.Extract(Solid(3, 1, -1, -1));
        double fid = FrechetDistance.Compute(red, blue);
        Assert.True(fid > 1, $"FID-R18 red vs blue = {fid}");
        Assert.True(FrechetDistance.Compute(red, red2) < 1e-6);
    }

    [Fact]
    public void Bad_image_shapes_are_rejected_with_the_shape_in_the_message()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => fx.Batched.Extract(torch.zeros(2, 4, 16, 16)));
        Assert.Contains("[2,4,16,16]", ex.Message);
        Assert.Throws<ArgumentException>(() => fx.Batched.Extract(torch.zeros(3, 16, 16)));
    }

    [Fact]
    public void Missing_model_folder_gives_a_clear_error()
    {
        var dir = Path.Combine(Path.GetTempPath(), "genmerge-no-models-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.Throws<FileNotFoundException>(() => new ResNet18Features(new ResNet18FeatureOptions { ModelDirectory = dir }));
        Assert.Contains(dir, ex.Message);
        Assert.Contains("Microsoft.ML.DnnImageFeaturizer.ResNet18", ex.Message);
    }
}
