using GenMerge.Core.Data;
using GenMerge.Core.Models;
using GenMerge.Core.Tests.Checkpoints;
using GenMerge.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Training;

public class DistillationTests
{
    [Fact]
    public void The_pixel_term_is_the_mean_absolute_or_squared_difference()
    {
        using var fake = tensor(new float[] { 1, 2, 3, -1 }).view(1, 4);
        using var target = tensor(new float[] { 0, 4, 3, 1 }).view(1, 4);
        // |1| + |-2| + 0 + |-2| = 5 over 4; 1 + 4 + 0 + 4 = 9 over 4.
        Assert.Equal(1.25, Distillation.Pixel(fake, target, Distillation.L1).item<float>(), 6);
        Assert.Equal(2.25, Distillation.Pixel(fake, target, Distillation.L2).item<float>(), 6);
        var ex = Assert.Throws<ArgumentException>(() => Distillation.Pixel(fake, target.view(2, 2), Distillation.L1));
        Assert.Contains("[1, 4]", ex.Message);
    }

    [Fact]
    public void Lap1_sums_each_pyramid_levels_mean_absolute_difference()
    {
        // One pixel d = 1 in an 8x8 image: the 2x2 mean is 1/4 over its block, so the 8 px band is 3/4 there and -1/4 on
        // its three neighbours (mean 1.5 / 64); the 4 px rest holds 1/4 in one of 16 cells (mean 1 / 64). Sum: 2.5 / 64,
        // where plain L1 is 1 / 64.
        using var target = zeros(1, 1, 8, 8);
        using var fake = zeros(1, 1, 8, 8);
        fake[0, 0, 0, 0] = tensor(1f);
        Assert.Equal(2.5 / 64, Distillation.Pixel(fake, target, Distillation.Lap1).item<float>(), 6);
        Assert.Equal(1.0 / 64, Distillation.Pixel(fake, target, Distillation.L1).item<float>(), 6);
        // A constant offset lives only in the rest, a 2x2 checkerboard only in the finest band: both give plain L1.
        using var flat = full(1, 3, 16, 16, 0.5f);
        Assert.Equal(0.5, Distillation.Pixel(flat, zeros_like(flat), Distillation.Lap1).item<float>(), 6);
        using var checker = tensor(new float[] { 1, -1, -1, 1 }).view(1, 1, 2, 2).repeat(2, 1, 4, 4) * 0.25f;
        Assert.Equal(0.25, Distillation.Pixel(checker, zeros_like(checker), Distillation.Lap1).item<float>(), 6);
        // Not an image (D's flattened features): plain L1.
        using var flatFeatures = tensor(new float[] { 1, -3 });
        Assert.Equal(2.0, Distillation.Pixel(flatFeatures, zeros_like(flatFeatures), Distillation.Lap1).item<float>(), 6);
    }

    [Fact]
    public void Sample_weights_make_the_term_the_mean_of_each_samples_weighted_term()
    {
        // Sample 0 has one pixel d = 1, sample 1 one pixel d = 2, in 8x8: per sample l1 is d / 64, l2 d^2 / 64 and lap1
        // 2.5 d / 64 (the case above). Weights 1 and 3: the mean over the two samples of w x term.
        using var target = zeros(2, 1, 8, 8);
        using var fake = zeros(2, 1, 8, 8);
        fake[0, 0, 0, 0] = tensor(1f);
        fake[1, 0, 5, 3] = tensor(2f);
        using var w = tensor(new float[] { 1, 3 });
        Assert.Equal((1 * 1 + 3 * 2) / 64.0 / 2, Distillation.Pixel(fake, target, Distillation.L1, w).item<float>(), 6);
        Assert.Equal((1 * 1 + 3 * 4) / 64.0 / 2, Distillation.Pixel(fake, target, Distillation.L2, w).item<float>(), 6);
        Assert.Equal((1 * 2.5 + 3 * 5) / 64.0 / 2, Distillation.Pixel(fake, target, Distillation.Lap1, w).item<float>(), 6);
        // Unweighted, the same image pair gives (1 + 2) / 64 / 2 in l1: the weights are what changed it.
        Assert.Equal(3 / 64.0 / 2, Distillation.Pixel(fake, target, Distillation.L1).item<float>(), 6);
        // Features: each layer weighed per sample the same way.
        using var f = tensor(new float[] { 1, 1, 2, 2 }).view(2, 2);
        Assert.Equal((1 * 1 + 3 * 2) / 2.0, Distillation.Features(new[] { f }, new[] { zeros_like(f) }, Distillation.L1, w).item<float>(), 6);
        var ex = Assert.Throws<ArgumentException>(() => Distillation.Pixel(fake, target, Distillation.L1, ones(3)));
        Assert.Contains("3 weights for 2 samples", ex.Message);
    }

    [Fact]
    public void The_feature_term_is_the_mean_over_layers_so_no_layer_size_dominates()
    {
        // Layer 1: one element, difference 3; layer 2: four elements, differences 1, 1, 1, 1.
        using var f1 = tensor(new float[] { 3 }); using var t1 = tensor(new float[] { 0 });
        using var f2 = ones(4); using var t2 = zeros(4);
        Assert.Equal((3 + 1) / 2.0, Distillation.Features(new[] { f1, f2 }, new[] { t1, t2 }, Distillation.L1).item<float>(), 6);
        Assert.Equal((9 + 1) / 2.0, Distillation.Features(new[] { f1, f2 }, new[] { t1, t2 }, Distillation.L2).item<float>(), 6);
        Assert.Throws<ArgumentException>(() => Distillation.Features(new[] { f1 }, new[] { t1, t2 }, Distillation.L1));
    }

    [Theory]
    [InlineData("l1")]
    [InlineData("l2")]
    [InlineData("lap1")]
    public void The_trainer_adds_the_weighted_terms_exactly_on_a_hand_computed_case(string loss)
    {
        // G outputs exactly 0 (all its weights zero) and every target pixel is +-(63.5 / 127.5) (uint8 191 and 64), so the
        // pixel term is |x| (l1) or x^2 (l2) whatever the batch's classes; the tiny D's features are the flattened image, so
        // the feature term is the same number. Weights 2 and 3: the reported loss is 5 |x| or 5 x^2. A constant image's
        // Laplacian pyramid is all rest, so lap1 gives l1's 5 |x|.
        using var model = Tiny(out var config);
        using (no_grad()) foreach (var p in model.G.parameters()) p.zero_();
        using var pool0 = Pool(config, 191, seed: 1);
        using var pool1 = Pool(config, 64, seed: 2);
        var data = new ClassMixData(new IClassSamples[] { pool0, pool1 }, seed: 4);
        var options = new TrainOptions { BatchSize = 8, R1Gamma = 0, Seed = 5, Distill = 2, DistillFeatures = 3, DistillLoss = loss };
        TrainProgress? last = null;
        using (var trainer = new GanTrainer(model, data, options, CPU)) trainer.Train(1, p => last = p, reportEvery: 1);
        double x = 63.5 / 127.5;
        double want = 5 * (loss == "l2" ? x * x : x);
        Assert.NotNull(last?.Distill);
        Assert.Equal(want, last!.Distill!.Value, 5);
        Assert.Contains("distill", last.Describe());
    }

    [Fact]
    public void Class_weights_scale_each_samples_distillation_by_its_class()
    {
        // The hand-computed case above (pixel term |x| per sample, weight 1) with class factors 2 and 0.5: the batch's
        // term is |x| (2 n0 + 0.5 n1) / 8, where n0, n1 count the classes of its first draw of pairs.
        using var model = Tiny(out var config);
        using (no_grad()) foreach (var p in model.G.parameters()) p.zero_();
        long n0;
        using (var a = Pool(config, 191, seed: 1))
        using (var b = Pool(config, 64, seed: 2))
        {
            var (_, _, ids) = new ClassMixData(new IClassSamples[] { a, b }, seed: 4).NextPairs(8);
            n0 = (ids! == 0).sum().item<long>();
        }
        Assert.InRange(n0, 1, 7); // both classes drawn, or the factors could not be told apart
        using var pool0 = Pool(config, 191, seed: 1);
        using var pool1 = Pool(config, 64, seed: 2);
        var data = new ClassMixData(new IClassSamples[] { pool0, pool1 }, seed: 4);
        {
            var options = new TrainOptions { BatchSize = 8, R1Gamma = 0, Seed = 5, Distill = 1, DistillLoss = Distillation.L1, DistillClassWeights = new[] { 2.0, 0.5 } };
            TrainProgress? last = null;
            using (var trainer = new GanTrainer(model, data, options, CPU)) trainer.Train(1, p => last = p, reportEvery: 1);
            double x = 63.5 / 127.5;
            Assert.Equal(x * (2 * n0 + 0.5 * (8 - n0)) / 8, last!.Distill!.Value, 5);
            // One factor per class of the model, no fewer.
            var ex = Assert.Throws<ArgumentException>(() => new GanTrainer(model, data, options with { DistillClassWeights = new[] { 1.0 } }, CPU));
            Assert.StartsWith("distill_classes: 1 class weights for a model of c_dim 2", ex.Message);
        }
        Assert.Throws<ArgumentException>(() => new TrainOptions { DistillClassWeights = new[] { 1.0, double.NaN } }.Validate());
    }

    [Fact]
    public void Distillation_on_real_images_is_refused_naming_the_missing_latents()
    {
        using var model = GanModel.Create(new ModelConfig { Family = ModelConfig.Compact, Resolution = 16, ZDim = 16, EmbedDim = 8, ChannelBase = 4, ChannelMax = 16 }, seed: 2);
        var data = new UnconditionalData(ProceduralDomain.Create("rings", 16, 7));
        var ex = Assert.Throws<ArgumentException>(() => new GanTrainer(model, data, new TrainOptions { Distill = 1 }, CPU));
        Assert.StartsWith("distill: ", ex.Message);
        Assert.Contains("no latents", ex.Message);
        Assert.Throws<ArgumentException>(() => new TrainOptions { DistillLoss = "huber" }.Validate());
        Assert.Throws<ArgumentException>(() => new TrainOptions { Distill = -1 }.Validate());
    }

    [Fact]
    public void Distillation_pulls_g_toward_its_targets_at_the_same_latents()
    {
        // The same 40 adversarial steps with and without the pixel term: with it, G(z) ends closer to the pool's G_i(z).
        double Distance(double weight)
        {
            using var model = Tiny(out var config);
            using var pool = Pool(config, 200, seed: 3, random: true);
            var data = new ClassMixData(new IClassSamples[] { pool, pool }, seed: 4);
            using (var trainer = new GanTrainer(model, data, new TrainOptions { BatchSize = 8, R1Gamma = 0, Seed = 5, LrG = 0.01, Distill = weight }, CPU))
                trainer.Train(40);
            using var _ = no_grad();
            var (images, z) = pool.Next(pool.Count);
            using var c = nn.functional.one_hot(zeros(pool.Count, dtype: int64), 2).to(float32);
            return (model.G.forward(z!, c) - images).abs().mean().item<float>();
        }
        double without = Distance(0), with = Distance(5);
        Assert.True(with < without * 0.8, $"mean |G(z) - target| {without:F4} without distillation, {with:F4} with");
    }

    static GanModel Tiny(out ModelConfig config)
    {
        config = TinyModels.Config;
        torch.manual_seed(11);
        var (g, d, ema) = TinyModels.Factory(config);
        ema.load_state_dict(g.state_dict());
        return new GanModel(config, g, d, ema);
    }

    /// <summary>16 samples of one class: every pixel <paramref name="value"/> (or random uint8 with <paramref name="random"/>).</summary>
    static ShardPool Pool(ModelConfig config, int value, long seed, bool random = false)
    {
        using var scope = NewDisposeScope();
        var shape = new long[] { 16, config.ImgChannels, config.Resolution, config.Resolution };
        var gen = new torch.Generator((ulong)seed);
        var images = random ? randint(0, 256, shape, generator: gen).to(uint8) : full(shape, value, dtype: uint8);
        return new ShardPool(images, randn(new long[] { 16, config.ZDim }, generator: gen), seed, $"pool{value}");
    }
}
