using GenMerge.Core.Data;
using GenMerge.Core.Models;
using GenMerge.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Training;

public class GanTrainerTests
{
    static readonly ModelConfig Tiny = new() { Family = ModelConfig.Compact, Resolution = 16, ZDim = 16, EmbedDim = 8, ChannelBase = 4, ChannelMax = 16 };

    /// <summary>D's logistic loss on a fixed batch of reals and fakes.</summary>
    static float DLoss(GanModel m, Tensor reals, Tensor z)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var fake = m.G.forward(z, null);
        return GanLoss.Discriminator(m.D.forward(fake, null), m.D.forward(reals, null)).item<float>();
    }

    [Fact]
    public void A_few_steps_lower_D_loss_on_a_trivial_domain()
    {
        // Trivial domain: every real image is the same flat grey. G barely moves (tiny lr), so
        // D only has to tell a fixed G's output from grey, which a handful of steps do.
        using var reals = full(new long[] { 64, 3, 16, 16 }, 0.3f);
        using var source = new TensorImageSource(reals, seed: 1, name: "grey");
        using var model = GanModel.Create(Tiny, seed: 2);
        using var z = randn(16, Tiny.ZDim);
        var before = DLoss(model, reals[..16], z);
        using (var trainer = new GanTrainer(model, new UnconditionalData(source),
                   new TrainOptions { BatchSize = 16, LrG = 1e-8, LrD = 0.01, R1Gamma = 0, Seed = 3 }, CPU))
            trainer.Train(15);
        var after = DLoss(model, reals[..16], z);
        Assert.True(after < before * 0.7, $"D loss {before} -> {after}");
        Assert.Equal(15, model.Provenance.Steps);
    }

    [Fact]
    public void A_nan_loss_stops_training_before_any_weight_changes()
    {
        using var model = GanModel.Create(Tiny, seed: 2);
        var data = new UnconditionalData(ProceduralDomain.Create("rings", 16, 7));
        using var trainer = new GanTrainer(model, data, new TrainOptions { BatchSize = 8, Seed = 3 }, CPU);
        trainer.Train(2);
        using (no_grad()) model.G.parameters().First().view(-1)[0] = float.NaN; // a diverged G, as after a bad step
        var dBefore = model.D.parameters().Select(p => p.detach().clone()).ToList();
        var gBefore = model.G.parameters().Skip(1).Select(p => p.detach().clone()).ToList();

        var ex = Assert.Throws<TrainingDivergedException>(() => trainer.Train(3));
        Assert.Equal(2, ex.Step);
        Assert.Contains("training diverged at step 2: G loss is NaN", ex.Message);
        Assert.Equal(2, model.Provenance.Steps);
        foreach (var (p, b) in model.D.parameters().Zip(dBefore)) Assert.True(p.allclose(b, 0, 0), "D changed after the NaN step");
        foreach (var (p, b) in model.G.parameters().Skip(1).Zip(gBefore)) Assert.True(p.allclose(b, 0, 0), "G changed after the NaN step");
    }

    [Fact]
    public void Training_is_reproducible_by_seed_and_the_ema_follows_g()
    {
        float[] Run()
        {
            using var model = GanModel.Create(Tiny, seed: 5);
            var data = new UnconditionalData(ProceduralDomain.Create("rings", 16, 7));
            using (var t = new GanTrainer(model, data, new TrainOptions { BatchSize = 8, Seed = 9, R1Gamma = 1, R1Interval = 2 }, CPU))
                t.Train(3);
            using var z = ones(2, Tiny.ZDim);
            using var _ = no_grad();
            Assert.NotEqual(0, (model.GEma.forward(z, null) - GanModel.Create(Tiny, seed: 5).GEma.forward(z, null)).abs().sum().item<float>());
            return model.G.forward(z, null).data<float>().ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Conditional_training_refuses_data_with_another_class_count()
    {
        using var model = GanModel.Create(Tiny with { CDim = 3 }, 1);
        var data = new UnconditionalData(ProceduralDomain.Create("rings", 16, 1));
        var e = Assert.Throws<ArgumentException>(() => new GanTrainer(model, data, new TrainOptions(), CPU));
        Assert.Contains("c_dim is 3", e.Message);
    }

    [Fact]
    public void Optimizer_state_round_trips_so_resumed_segments_continue_exactly()
    {
        using var model = GanModel.Create(Tiny, seed: 5);
        var opts = new TrainOptions { BatchSize = 8, Seed = 9, R1Gamma = 0 };
        var data = new UnconditionalData(ProceduralDomain.Create("squares", 16, 7));
        var first = new MemoryStream();
        using (var t = new GanTrainer(model, data, opts, CPU)) { t.Train(2); t.SaveOptimizerState(first); }
        var fresh = new MemoryStream();
        using (var t = new GanTrainer(model, data, opts, CPU)) t.SaveOptimizerState(fresh);
        Assert.NotEqual(first.ToArray(), fresh.ToArray()); // Adam moments after 2 steps are not a fresh state

        first.Position = 0;
        var again = new MemoryStream();
        using (var t = new GanTrainer(model, data, opts, CPU)) { t.LoadOptimizerState(first); t.SaveOptimizerState(again); }
        Assert.Equal(first.ToArray(), again.ToArray());
    }
}
