using GenMerge.Core.Data;
using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using GenMerge.Core.Training;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Training;

public class LrScheduleTests
{
    static readonly ModelConfig Tiny = new() { Family = ModelConfig.Compact, Resolution = 16, ZDim = 16, EmbedDim = 8, ChannelBase = 4, ChannelMax = 16 };

    [Fact]
    public void The_cosine_runs_from_the_full_rate_to_the_final_factor()
    {
        var o = new TrainOptions { Steps = 100, FinalLrFactor = 0.1 };
        Assert.Equal(1.0, o.LrFactorAt(0), 12);
        Assert.Equal(0.55, o.LrFactorAt(50), 12);
        Assert.Equal(0.1, o.LrFactorAt(100), 12);
        Assert.Equal(0.1, o.LrFactorAt(250), 12); // past the end (a resumed model) it stays at the floor
        for (int s = 1; s <= 100; s++) Assert.True(o.LrFactorAt(s) < o.LrFactorAt(s - 1), $"step {s}");
        Assert.Equal(1.0, new TrainOptions { Steps = 100 }.LrFactorAt(99));
    }

    [Fact]
    public void A_non_positive_final_factor_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainOptions { FinalLrFactor = 0 }.Validate());
        Assert.Contains("final lr factor: 0 must be positive", e.Message);
    }

    [Fact]
    public void The_trainer_steps_with_the_scheduled_rates()
    {
        using var model = GanModel.Create(Tiny, seed: 2);
        var data = new UnconditionalData(ProceduralDomain.Create("rings", 16, 7));
        var options = new TrainOptions { Steps = 4, BatchSize = 4, LrG = 0.002, LrD = 0.004, R1Gamma = 1, R1Interval = 4, FinalLrFactor = 0.1 };
        using var trainer = new GanTrainer(model, data, options, CPU);
        trainer.Train(4);
        var (g, d) = trainer.LearningRates;
        Assert.Equal(0.002 * options.LrFactorAt(3), g, 12);
        Assert.Equal(0.004 * 4 / 5.0 * options.LrFactorAt(3), d, 12); // lazy R1 scales D's rate by 4 / (4 + 1)
    }

    [Fact]
    public void A_vanishing_final_rate_stops_the_weights_from_moving()
    {
        // A model already at the schedule's end trains at the final rate: 1e-12 of 0.002 leaves G where it is,
        // the full rate does not (Adam's first step moves every weight by about lr).
        double Moved(double finalFactor)
        {
            using var model = GanModel.Create(Tiny, seed: 2);
            model.Provenance = model.Provenance with { Steps = 10 };
            var before = model.G.parameters().Select(p => p.detach().clone()).ToList();
            var data = new UnconditionalData(ProceduralDomain.Create("rings", 16, 7));
            using (var t = new GanTrainer(model, data, new TrainOptions { Steps = 10, BatchSize = 4, R1Gamma = 0, FinalLrFactor = finalFactor }, CPU))
                t.Train(2);
            var moved = model.G.parameters().Zip(before).Max(x => (x.First - x.Second).abs().max().item<float>());
            foreach (var b in before) b.Dispose();
            return moved;
        }
        Assert.True(Moved(1e-12) < 1e-9, $"moved {Moved(1e-12)}");
        Assert.True(Moved(1.0) > 1e-4, $"moved {Moved(1.0)}");
    }

    [Fact]
    public void Merge_settings_decay_only_the_fine_tuning()
    {
        var s = new MergeSettings { Lr = 0.002, FinalLr = 0.0002 };
        Assert.Equal(0.1, s.Training(100, 16).FinalLrFactor, 12);
        Assert.Equal(1.0, s.Training(100, 16, rooting: true).FinalLrFactor);
        Assert.Equal(1.0, new MergeSettings().Training(100, 16).FinalLrFactor);
        var e = Assert.Throws<ArgumentException>(() => (s with { FinalLr = -1 }).Validate(2));
        Assert.Contains("final_lr: -1 must be positive", e.Message);
    }
}
