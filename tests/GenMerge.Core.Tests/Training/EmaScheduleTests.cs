using GenMerge.Core.Merging;
using GenMerge.Core.Training;

namespace GenMerge.Core.Tests.Training;

public class EmaScheduleTests
{
    [Fact]
    public void Ramp_up_caps_the_half_life_at_a_share_of_the_images_seen()
    {
        // 1000 steps of 32: the ramp-up allows 5 % of 32000 images = 1600, below the 10 kimg half-life.
        Assert.Equal(Math.Pow(0.5, 32 / 1600.0), Ema.Beta(10, 0.05, 32, 32_000), 12);
        Assert.Equal(Math.Pow(0.5, 32 / 10_000.0), Ema.Beta(10, 0.05, 32, 320_000), 12);
        Assert.Equal(Math.Pow(0.5, 32 / 10_000.0), Ema.Beta(10, 0, 32, 32_000), 12);
        Assert.Equal(0, Ema.Beta(0, 0.05, 32, 32_000));
    }

    [Theory]
    [InlineData(MergeMethod.Cocktail, true, 0.0)]
    [InlineData(MergeMethod.Cocktail, false, 0.0)]
    [InlineData(MergeMethod.Ties, false, 0.0)]
    [InlineData(MergeMethod.AverageFinetune, false, 0.0)]
    [InlineData(MergeMethod.Transfer, false, 0.0)]
    [InlineData(MergeMethod.Union, false, 0.05)]
    public void Jobs_that_start_from_trained_weights_have_no_ema_ramp_up(string method, bool rooting, double rampup)
    {
        var s = new MergeSettings { Method = method, BatchSize = 32 };
        Assert.Equal(rampup, s.Training(3000, 16, rooting).EmaRampup);
        Assert.Equal(10, s.Training(3000, 16, rooting).EmaKimg); // long jobs: stylegan2-ada's half-life
    }

    [Theory]
    [InlineData(100)]
    [InlineData(400)]
    [InlineData(1000)]
    [InlineData(2000)]
    [InlineData(6000)]
    public void A_merge_job_ends_with_little_of_its_starting_weights_in_g_ema(int steps)
    {
        var o = new MergeSettings { BatchSize = 32 }.Training(steps, 16);
        // The starting weights' share of G_ema after the job: the product of every step's beta.
        double share = 1;
        for (long i = 0; i < steps; i++) share *= Ema.Beta(o.EmaKimg, o.EmaRampup, o.BatchSize, (i + 1) * o.BatchSize);
        Assert.InRange(share, 0, Math.Pow(0.5, 6) + 1e-9);
        // ... while the half-life stays as long as the job allows, up to 10 kimg.
        Assert.Equal(Math.Min(10, steps * 32 / 6000.0), o.EmaKimg, 12);
    }

    [Theory]
    [InlineData(MergeMethod.Cocktail, true, 0.0)]
    [InlineData(MergeMethod.Cocktail, false, 0.0)]
    [InlineData(MergeMethod.Union, false, 0.05)]
    public void A_given_ema_half_life_is_used_as_given_in_every_job(string method, bool rooting, double rampup)
    {
        var s = new MergeSettings { Method = method, BatchSize = 32, EmaKimg = 2.5 };
        // Not capped at a sixth of a short job (100 x 32 / 6000 = 0.53 kimg), not raised to 10 in a long one.
        Assert.Equal(2.5, s.Training(100, 16, rooting).EmaKimg);
        Assert.Equal(2.5, s.Training(30_000, 16, rooting).EmaKimg);
        Assert.Equal(rampup, s.Training(100, 16, rooting).EmaRampup); // a random start still ramps up
        Assert.Equal(0, (s with { EmaKimg = 0 }).Training(100, 16, rooting).EmaKimg);
        Assert.Equal(0, Ema.Beta(0, rampup, 32, 3200)); // 0: G_ema is G
    }
}
