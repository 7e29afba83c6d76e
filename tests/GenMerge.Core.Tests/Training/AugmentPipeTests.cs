using GenMerge.Core.Data;
using GenMerge.Core.Models;
using GenMerge.Core.Tests.Models;
using GenMerge.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Training;

public class AugmentPipeTests
{
    /// <summary>
    /// The 8 flips / quarter turns of <paramref name="img"/> ([C, H, W]), each shifted by every (dx, dy) up to
    /// <paramref name="max"/> with the border mirrored (edge pixel repeated): what the pipe may produce, built from
    /// plain flip / rot90 / cat, independently of its gather arithmetic.
    /// </summary>
    static List<Tensor> Candidates(Tensor img, int max)
    {
        long h = img.shape[1], w = img.shape[2];
        var result = new List<Tensor>();
        foreach (var f in new[] { img, img.flip(2) })
            for (int k = 0; k < 4; k++)
            {
                var t = f.rot90(k, (1, 2));
                // Symmetric padding by max on every side, then every crop of the original size.
                var padded = cat(new[] { t.narrow(2, 0, max).flip(2), t, t.narrow(2, w - max, max).flip(2) }, 2);
                padded = cat(new[] { padded.narrow(1, 0, max).flip(1), padded, padded.narrow(1, h - max, max).flip(1) }, 1);
                for (int dy = 0; dy <= 2 * max; dy++)
                    for (int dx = 0; dx <= 2 * max; dx++)
                        result.Add(padded.narrow(1, dy, h).narrow(2, dx, w));
            }
        return result;
    }

    [Fact]
    public void Every_augmented_image_is_a_flip_turn_and_mirrored_shift_of_its_input()
    {
        const int n = 24, size = 16, max = 2; // xint_max 0.125 of 16 px
        var images = arange(n * 3 * size * size, float32).reshape(n, 3, size, size); // every pixel distinct
        using var rng = new torch.Generator(5, CPU);
        var augmented = AugmentPipe.Apply(images, 1.0, rng);
        Assert.Equal(images.shape, augmented.shape);
        int changed = 0;
        for (int i = 0; i < n; i++)
        {
            var outImg = augmented[i];
            Assert.True(Candidates(images[i], max).Any(c => c.eq(outImg).all().item<bool>()),
                $"image {i} is not a flip / quarter turn / shift of its input");
            if (!outImg.eq(images[i]).all().item<bool>()) changed++;
        }
        // At p = 1 the identity is drawn with probability 1/2 * 1/4 * (1/5)^2: nearly all change.
        Assert.True(changed >= n - 2, $"only {changed} of {n} images changed at p = 1");
        Assert.True(AugmentPipe.Apply(images, 0.0, rng).eq(images).all().item<bool>(), "p = 0 must leave the images as they are");
    }

    [Fact]
    public void Gradients_pass_through_the_augmentation_to_every_pixel_it_reads()
    {
        var images = randn(8, 3, 16, 16).requires_grad_(true);
        using var rng = new torch.Generator(3, CPU);
        AugmentPipe.Apply(images, 1.0, rng).sum().backward();
        // A gather's gradient counts how often each input pixel was read: the total is the pixel count.
        Assert.Equal(8 * 3 * 16 * 16, images.grad!.sum().item<float>(), 3);
    }

    [Fact]
    public void Bgc_geometry_resamples_within_each_images_range_and_keeps_a_flat_image_flat()
    {
        const int n = 32;
        var images = randn(n, 3, 16, 16);
        using var rng = new torch.Generator(11, CPU);
        var moved = AugmentPipe.Geometric(images, 1.0, rng);
        Assert.Equal(images.shape, moved.shape);
        // Bilinear weights are convex: every output pixel lies within its image's (and channel's) range.
        var flat = images.reshape(n, 3, -1);
        var outFlat = moved.reshape(n, 3, -1);
        Assert.True((outFlat.amin(2) >= flat.amin(2) - 1e-5f).all().item<bool>(), "a resampled pixel fell below its image's minimum");
        Assert.True((outFlat.amax(2) <= flat.amax(2) + 1e-5f).all().item<bool>(), "a resampled pixel rose above its image's maximum");
        // At p = 1 every image is scaled, turned and shifted by a real-valued amount: none comes back as it was.
        Assert.Equal(0, (moved - images).abs().reshape(n, -1).amax(1).lt(1e-3f).sum().item<long>());
        // A flat image stays flat whatever the transform (the border is mirrored, never zero-filled).
        var level = randn(n, 3, 1, 1).expand(n, 3, 16, 16).contiguous();
        Assert.True(AugmentPipe.Geometric(level, 1.0, rng).allclose(level, rtol: 0, atol: 1e-5), "a flat image lost its level");
        Assert.True(AugmentPipe.Geometric(images, 0.0, rng).eq(images).all().item<bool>(), "p = 0 must leave the images as they are");
    }

    [Fact]
    public void Bgc_colour_keeps_grey_grey_and_turns_colours()
    {
        const int n = 32;
        using var rng = new torch.Generator(13, CPU);
        // Grey pixels (R = G = B) lie on the axis hue and saturation turn and scale about: they stay grey,
        // moved only by brightness, contrast and the luma flip.
        var grey = randn(n, 1, 8, 8).expand(n, 3, 8, 8).contiguous();
        var g = AugmentPipe.Color(grey, 1.0, rng);
        Assert.True(g.select(1, 0).allclose(g.select(1, 1), rtol: 0, atol: 1e-4) && g.select(1, 1).allclose(g.select(1, 2), rtol: 0, atol: 1e-4),
            "a grey image left the grey axis");
        Assert.False(g.allclose(grey, rtol: 0, atol: 1e-3), "brightness / contrast moved no grey image at p = 1");
        // A pure red image: at p = 1 hue turns it, so its channels no longer keep red's order in most images.
        var red = zeros(n, 3, 8, 8); red.select(1, 0).fill_(1);
        var r = AugmentPipe.Color(red, 1.0, rng).mean(new long[] { 2, 3 });
        var stillRed = (r.select(1, 0) > r.select(1, 1)) & (r.select(1, 0) > r.select(1, 2));
        Assert.True(stillRed.sum().item<long>() < n * 3 / 4, $"{stillRed.sum().item<long>()} of {n} red images stayed reddest in red");
        // One channel: brightness and contrast only, still an affine map per image (flat stays flat).
        var mono = randn(n, 1, 1, 1).expand(n, 1, 8, 8).contiguous();
        var m = AugmentPipe.Color(mono, 1.0, rng);
        Assert.True(m.amax(new long[] { 2, 3 }).allclose(m.amin(new long[] { 2, 3 }), rtol: 0, atol: 1e-5));
        Assert.Contains("1 or 3 channels, got 2", Assert.Throws<ArgumentException>(() => AugmentPipe.Color(zeros(2, 2, 4, 4), 1.0, rng)).Message);
    }

    [Fact]
    public void R1s_double_backward_passes_through_the_bgc_pipe()
    {
        // R1 differentiates D's gradient with respect to the reals it saw, augmented: the pipe must be twice
        // differentiable in the images (PyTorch's grid_sample is not, which is why bilinear is done with gathers).
        var images = randn(4, 3, 16, 16).requires_grad_(true);
        var weights = randn(3, 16, 16);
        using var rng = new torch.Generator(17, CPU);
        var score = (AugmentPipe.Apply(images, 1.0, rng, AugmentPipes.Bgc) * weights).sum(new long[] { 1, 2, 3 }).square().sum();
        var grad = torch.autograd.grad(new[] { score }, new[] { images }, retain_graph: true, create_graph: true)[0];
        grad.square().sum().backward();
        Assert.True(images.grad is not null && images.grad.isfinite().all().item<bool>() && images.grad.abs().sum().item<float>() > 0,
            "no finite, non-zero second-order gradient reached the images");
    }

    [Fact]
    public void Adaptive_p_rises_while_D_calls_every_real_real_and_falls_to_zero_when_it_does_not()
    {
        var ada = new AdaptiveAugment(0.1, target: 0.6, adaKimg: 1, batch: 8);
        var confident = ones(8); // r_t = 1 > 0.6: D is overfitting
        for (int s = 1; s <= 8; s++) ada.Observe(confident, s);
        // Two intervals of 4 steps, each + 8 * 4 / 1000.
        Assert.Equal(0.1 + 2 * 0.032, ada.P, 9);
        Assert.Equal(1.0, ada.Rt, 9);
        var unsure = cat(new[] { ones(4), -ones(4) }); // r_t = 0 < 0.6
        for (int s = 9; s <= 40; s++) ada.Observe(unsure, s);
        Assert.Equal(0.0, ada.P, 9);
        Assert.Equal(0.0, ada.Rt, 9);
        // Without a target ("fixed"), p stays where it was set; r_t is still measured.
        var fixedP = new AdaptiveAugment(0.3, target: null, adaKimg: 1, batch: 8);
        for (int s = 1; s <= 8; s++) fixedP.Observe(confident, s);
        Assert.Equal(0.3, fixedP.P, 9);
        Assert.Equal(1.0, fixedP.Rt, 9);
    }

    [Fact]
    public void Ada_in_the_trainer_moves_p_and_a_resumed_segment_continues_from_it()
    {
        var config = TinyModels.Config(ModelConfig.Compact);
        var data = new UnconditionalData(ProceduralDomain.Create("rings", 16, 7));
        // ada_kimg tiny so that p moves by 4 * 4 / 10 = 1.6 per interval: after 4 steps it is 0 or 1, never 0.5.
        var opts = new TrainOptions { BatchSize = 4, R1Interval = 2, Augment = AugmentModes.Ada, AugmentP = 0.5, AdaKimg = 0.01 };
        using var model = GanModel.Create(config, seed: 2);
        var state = new MemoryStream();
        double? p;
        using (var t = new GanTrainer(model, data, opts, CPU))
        {
            t.Train(4);
            p = t.AugmentP;
            Assert.True(p is 0.0 or 1.0, $"p {p} did not move after one interval");
            t.SaveOptimizerState(state);
        }
        state.Position = 0;
        using var resumed = new GanTrainer(model, data, opts, CPU);
        Assert.Equal(0.5, resumed.AugmentP);
        resumed.LoadOptimizerState(state);
        Assert.Equal(p, resumed.AugmentP);
    }

    [Fact]
    public void The_trainer_augments_with_the_pipe_it_is_given()
    {
        var config = TinyModels.Config(ModelConfig.Compact);
        Tensor Trained(string pipe)
        {
            var data = new UnconditionalData(ProceduralDomain.Create("rings", 16, 7));
            var opts = new TrainOptions { BatchSize = 4, R1Interval = 1, Augment = AugmentModes.Fixed, AugmentP = 1, AugmentPipe = pipe };
            using var model = GanModel.Create(config, seed: 2);
            using (var t = new GanTrainer(model, data, opts, CPU)) t.Train(2); // R1 every step: double backward through the pipe
            return torch.cat(model.D.parameters().Select(p => p.detach().flatten()).ToArray());
        }
        var blit = Trained(AugmentPipes.Blit);
        Assert.True(blit.isfinite().all().item<bool>());
        Assert.True(Trained(AugmentPipes.Blit).eq(blit).all().item<bool>(), "the same settings must train the same D");
        Assert.False(Trained(AugmentPipes.Bgc).eq(blit).all().item<bool>(), "bgc trained the same D as blit: the pipe was not used");
    }

    [Fact]
    public void Bad_augmentation_settings_are_refused_with_the_field_named()
    {
        Assert.Contains("aug: 'bgc' is not one of noaug, ada, fixed ('bgc' names a set of transforms: aug_pipe)",
            Assert.Throws<ArgumentException>(() => new TrainOptions { Augment = "bgc" }.Validate()).Message);
        Assert.Contains("aug_p: 1.5 must lie in [0, 1]",
            Assert.Throws<ArgumentException>(() => new TrainOptions { Augment = AugmentModes.Ada, AugmentP = 1.5 }.Validate()).Message);
        Assert.Contains("aug_p: fixed augmentation needs a p > 0",
            Assert.Throws<ArgumentException>(() => new TrainOptions { Augment = AugmentModes.Fixed }.Validate()).Message);
        Assert.Contains("aug_pipe: 'bg' is not one of blit, bgc",
            Assert.Throws<ArgumentException>(() => new GenMerge.Core.Merging.MergeSettings { Augment = AugmentModes.Ada, AugmentPipe = "bg" }.Validate(2)).Message);
        Assert.Contains("aug_target: 0 must lie in (0, 1]",
            Assert.Throws<ArgumentException>(() => new GenMerge.Core.Merging.MergeSettings { Augment = AugmentModes.Ada, AugmentTarget = 0 }.Validate(2)).Message);
    }
}
