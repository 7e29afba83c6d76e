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
    public void Bad_augmentation_settings_are_refused_with_the_field_named()
    {
        Assert.Contains("aug: 'bgc' is not one of noaug, ada, fixed",
            Assert.Throws<ArgumentException>(() => new TrainOptions { Augment = "bgc" }.Validate()).Message);
        Assert.Contains("aug_p: 1.5 must lie in [0, 1]",
            Assert.Throws<ArgumentException>(() => new TrainOptions { Augment = AugmentModes.Ada, AugmentP = 1.5 }.Validate()).Message);
        Assert.Contains("aug_p: fixed augmentation needs a p > 0",
            Assert.Throws<ArgumentException>(() => new TrainOptions { Augment = AugmentModes.Fixed }.Validate()).Message);
        Assert.Contains("aug_target: 0 must lie in (0, 1]",
            Assert.Throws<ArgumentException>(() => new GenMerge.Core.Merging.MergeSettings { Augment = AugmentModes.Ada, AugmentTarget = 0 }.Validate(2)).Message);
    }
}
