using static TorchSharp.torch;

namespace GenMerge.Core.Training;

/// <summary>
/// Paired distillation: every synthetic sample is a pair (z, G_i(z)), so besides the adversarial loss the trained G can
/// be pulled toward its source at the same latent, merged(z, class i) ~ G_i(z), in pixels and in D's intermediate
/// features. It needs no real data and adds no parameters. GAN Cocktail does not do this; see bench/merge-methods.
/// </summary>
public static class Distillation
{
    /// <summary>Mean absolute difference.</summary>
    public const string L1 = "l1";
    /// <summary>Mean squared difference.</summary>
    public const string L2 = "l2";

    public static readonly IReadOnlyList<string> Losses = new[] { L1, L2 };

    public static void Validate(string loss)
    {
        if (!Losses.Contains(loss)) throw new ArgumentException($"distill_loss: '{loss}' is not one of {string.Join(", ", Losses)}");
    }

    /// <summary>The pixel term: mean over every element of |fake - target| (l1) or (fake - target)^2 (l2). Shapes must match.</summary>
    public static Tensor Pixel(Tensor fake, Tensor target, string loss)
    {
        if (!fake.shape.SequenceEqual(target.shape))
            throw new ArgumentException($"distillation: fake [{string.Join(", ", fake.shape)}] and target [{string.Join(", ", target.shape)}] differ in shape");
        var diff = fake - target.detach();
        return loss == L2 ? diff.square().mean() : diff.abs().mean();
    }

    /// <summary>The feature term: the mean over D's layers of each layer's <see cref="Pixel"/> difference, so that no one
    /// layer's size decides the weight. The target's features carry no gradient.</summary>
    public static Tensor Features(IReadOnlyList<Tensor> fake, IReadOnlyList<Tensor> target, string loss)
    {
        if (fake.Count == 0 || fake.Count != target.Count)
            throw new ArgumentException($"distillation: {fake.Count} fake feature maps for {target.Count} target ones (need the same number, > 0)");
        Tensor? sum = null;
        for (int i = 0; i < fake.Count; i++)
        {
            var term = Pixel(fake[i], target[i], loss);
            sum = sum is null ? term : sum + term;
        }
        return sum! / fake.Count;
    }
}
