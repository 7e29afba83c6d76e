using System.Diagnostics;
using GenMerge.Core.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Training;

/// <summary>
/// Adversarial training of a <see cref="GanModel"/> with the StyleGAN2 recipe: alternating G and D
/// Adam steps, non-saturating logistic loss, lazy R1 on reals, G EMA. Works for unconditional and
/// conditional models (conditional fakes get uniformly drawn classes).
/// </summary>
public sealed class GanTrainer : IDisposable
{
    readonly GanModel model;
    readonly ITrainingData data;
    readonly TrainOptions options;
    readonly torch.Device device;
    readonly Adam optG, optD;
    readonly List<TorchSharp.Modules.Parameter> trainableD;
    readonly double lrD;
    readonly torch.Generator rng, augRng;
    readonly AdaptiveAugment augment;
    readonly IPairedTrainingData? pairs;
    /// <summary>The distillation factor of each class label (null: 1 for all), on the CPU like the pairs' labels.</summary>
    readonly Tensor? classWeights;
    double lastLossG, lastLossD, lastR1, lastDistill = double.NaN;

    public GanTrainer(GanModel model, ITrainingData data, TrainOptions options, torch.Device? device = null)
    {
        this.model = model;
        this.data = data;
        this.options = options.Validate();
        this.device = device ?? Core.Device.Default;
        if (model.Config.CDim != data.Classes)
            throw new ArgumentException(
                $"data: '{data.Name}' has {data.Classes} classes but the model's c_dim is {model.Config.CDim}");
        if (options.Distils)
        {
            // Distillation regresses on (z, G_i(z)); real images have no z.
            pairs = data as IPairedTrainingData;
            if (pairs is not { HasLatents: true })
                throw new ArgumentException($"distill: '{data.Name}' has no latents (real images?); distillation needs synthetic pairs (z, G_i(z))");
            if (options.DistillClassWeights is { } cw && cw.Count != Math.Max(model.Config.CDim, 1))
                throw new ArgumentException($"distill_classes: {cw.Count} class weights for a model of c_dim {model.Config.CDim} " +
                                            $"(need {Math.Max(model.Config.CDim, 1)}: one per class, or one for an unconditional model)");
            classWeights = options.DistillClassWeights is { } w ? tensor(w.ToArray(), dtype: float32).DetachFromDisposeScope() : null;
        }
        model.To(this.device);
        model.G.train(); model.D.train(); model.GEma.eval();
        optG = optim.Adam(model.G.parameters(), options.LrG, options.Beta1, options.Beta2, 1e-8);
        // Lazy regularisation: D's lr and betas are scaled as in stylegan2-ada (mb_ratio = I / (I + 1)).
        var ratio = options.R1Gamma > 0 ? options.R1Interval / (options.R1Interval + 1.0) : 1.0;
        lrD = options.LrD * ratio;
        // Freeze-D: the frozen blocks get no gradients and no optimiser state.
        var (trainable, frozen) = FreezeDiscriminator.Split(model.D, options.FreezeD);
        foreach (var p in frozen) p.requires_grad = false;
        trainableD = trainable;
        optD = optim.Adam(trainableD, lrD,
                          Math.Pow(options.Beta1, ratio), Math.Pow(options.Beta2, ratio), 1e-8);
        // The stream of latents depends on the seed and the step training starts from, so a resumed
        // run does not replay the latents of the segment before it.
        rng = new torch.Generator(unchecked((ulong)(options.Seed * 1_000_003 + model.Provenance.Steps)), torch.CPU);
        // Augmentation draws from its own stream, so turning it on leaves the latents of every step unchanged.
        augRng = new torch.Generator(unchecked((ulong)(options.Seed * 1_000_003 + model.Provenance.Steps + 7919)), torch.CPU);
        augment = new AdaptiveAugment(options.Augment == AugmentModes.NoAug ? 0 : options.AugmentP,
            options.Augment == AugmentModes.Ada ? options.AdaTarget : null, options.AdaKimg, options.BatchSize);
    }

    /// <summary>The augmentation probability D's inputs get now (null: this run does not augment).</summary>
    public double? AugmentP => options.Augment == AugmentModes.NoAug ? null : augment.P;

    public GanModel Model => model;
    /// <summary>Total steps this model has been trained (carried in its provenance).</summary>
    public long Step => model.Provenance.Steps;
    /// <summary>The learning rates of the last step taken (G, then D with the lazy-R1 scaling).</summary>
    public (double G, double D) LearningRates => (optG.ParamGroups.First().LearningRate, optD.ParamGroups.First().LearningRate);

    /// <summary>Runs <paramref name="steps"/> steps, reporting progress about every <paramref name="reportEvery"/> steps.</summary>
    public void Train(long steps, Action<TrainProgress>? progress = null, int reportEvery = 10,
                      Action<long>? afterStep = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        long start = Step;
        for (long i = 0; i < steps; i++)
        {
            cancel.ThrowIfCancellationRequested();
            TrainStep();
            long done = i + 1;
            afterStep?.Invoke(Step);
            if (progress != null && (done % reportEvery == 0 || done == steps))
            {
                var elapsed = clock.Elapsed;
                var perStep = elapsed.TotalSeconds / done;
                progress(new TrainProgress(Step, start + steps, lastLossG, lastLossD, lastR1,
                    done * options.BatchSize / Math.Max(elapsed.TotalSeconds, 1e-9), elapsed,
                    TimeSpan.FromSeconds(perStep * (steps - done)))
                {
                    Rt = augment.Rt,
                    AugmentP = AugmentP,
                    Distill = options.Distils ? lastDistill : null,
                });
            }
        }
    }

    /// <summary>One G step then one D step (with R1 every R1Interval steps), then the EMA update.</summary>
    public void TrainStep()
    {
        int b = options.BatchSize;
        long step = Step;
        SetLearningRates(options.LrFactorAt(step));
        using (GcPause.Start())
        using (NewDisposeScope())
        {
            // G: non-saturating loss through a frozen D. With distillation its latents are the pairs' (drawn like random
            // ones: z ~ N(0, I), classes uniform), so the regression toward G_i(z) costs no extra forward pass.
            SetRequiresGrad(trainableD, false);
            Tensor? target = null, weights = null;
            var (z, c) = pairs is null ? Latents(b) : PairLatents(b, out target, out weights);
            var fake = model.G.forward(z, c);
            var lossG = GanLoss.Generator(model.D.forward(Augment(fake), c));
            lastLossG = Finite(lossG.item<float>(), step, "G loss");
            if (target is not null)
            {
                var distill = DistillLoss(fake, target, weights);
                lastDistill = Finite(distill.item<float>(), step, "distillation loss");
                lossG = lossG + distill;
            }
            optG.zero_grad();
            lossG.backward();
            optG.step();
            SetRequiresGrad(trainableD, true);

            // D: logistic loss on detached fakes and reals, lazy R1 on reals.
            var (z2, c2) = Latents(b);
            Tensor fake2;
            using (no_grad()) fake2 = model.G.forward(z2, c2);
            var (realCpu, ids) = data.Next(b);
            var real = realCpu.to(device);
            var cReal = ids is null ? null : OneHot(ids.to(device));
            bool reg = options.R1Gamma > 0 && step % options.R1Interval == 0;
            if (reg) real = real.detach().requires_grad_(true);
            // R1 is taken with respect to the reals before augmentation, as in stylegan2-ada.
            var realLogits = model.D.forward(Augment(real), cReal);
            var lossD = GanLoss.Discriminator(model.D.forward(Augment(fake2), c2), realLogits);
            lastLossD = Finite(lossD.item<float>(), step, "D loss");
            if (reg)
            {
                var r1 = GanLoss.R1(realLogits, real).mean();
                lastR1 = Finite(r1.item<float>(), step, "R1 penalty");
                lossD = lossD + r1 * (options.R1Gamma / 2 * options.R1Interval);
            }
            optD.zero_grad();
            lossD.backward();
            optD.step();
            augment.Observe(realLogits, step + 1);

            long seen = (step + 1) * b;
            Ema.Update(model.GEma, model.G, Ema.Beta(options.EmaKimg, options.EmaRampup, b, seen));
        }
        model.Provenance = model.Provenance with { Steps = step + 1 };
    }

    /// <summary>
    /// Stops on a NaN/Inf loss before the optimiser applies it: one such step turns every weight into NaN, and
    /// the job would otherwise go on "training" and publish a model that draws nothing.
    /// </summary>
    static double Finite(double loss, long step, string what) =>
        double.IsFinite(loss) ? loss : throw new TrainingDivergedException(step, $"{what} is {loss}");

    /// <summary>Random latents and, for conditional models, uniformly drawn one-hot classes.</summary>
    (Tensor Z, Tensor? C) Latents(int b)
    {
        var z = randn(new long[] { b, model.Config.ZDim }, generator: rng).to(device);
        if (model.Config.CDim == 0) return (z, null);
        var ids = randint(0, model.Config.CDim, new long[] { b }, generator: rng).to(device);
        return (z, OneHot(ids));
    }

    /// <summary>Latents, classes, targets G_i(z) and distillation weights (null: all 1) of the next paired samples.</summary>
    (Tensor Z, Tensor? C) PairLatents(int b, out Tensor? target, out Tensor? weights)
    {
        var (z, images, ids) = pairs!.NextPairs(b);
        target = images.to(device);
        weights = classWeights is null ? null
            : (ids is null ? classWeights.expand(b) : classWeights.index_select(0, ids.to(int64).cpu())).to(device);
        return (z.to(device), ids is null ? null : OneHot(ids.to(device)));
    }

    /// <summary>The weighted distillation terms of G's output against its targets (<see cref="Distillation"/>).</summary>
    Tensor DistillLoss(Tensor fake, Tensor target, Tensor? weights)
    {
        var loss = zeros(1, device: device).squeeze();
        if (options.Distill > 0) loss = loss + Distillation.Pixel(fake, target, options.DistillLoss, weights) * options.Distill;
        if (options.DistillFeatures > 0)
        {
            IReadOnlyList<Tensor> want;
            using (no_grad()) want = model.D.Features(target);
            loss = loss + Distillation.Features(model.D.Features(fake), want, options.DistillLoss, weights) * options.DistillFeatures;
        }
        return loss;
    }

    Tensor Augment(Tensor images) => augment.P > 0 ? AugmentPipe.Apply(images, augment.P, augRng, options.AugmentPipe) : images;

    Tensor OneHot(Tensor ids) => nn.functional.one_hot(ids, model.Config.CDim).to(float32);

    void SetLearningRates(double factor)
    {
        foreach (var g in optG.ParamGroups) g.LearningRate = options.LrG * factor;
        foreach (var g in optD.ParamGroups) g.LearningRate = lrD * factor;
    }

    static void SetRequiresGrad(IEnumerable<TorchSharp.Modules.Parameter> ps, bool value)
    {
        foreach (var p in ps) p.requires_grad = value;
    }

    /// <summary>Optimiser moments and the augmentation probability, so that a resumed segment continues exactly
    /// where the last stopped.</summary>
    public void SaveOptimizerState(Stream stream)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        optG.save_state_dict(w);
        optD.save_state_dict(w);
        w.Write(augment.P);
    }

    public void LoadOptimizerState(Stream stream)
    {
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        optG.load_state_dict(r);
        optD.load_state_dict(r);
        // States written before augmentation existed end after D's moments: p stays where this job starts it.
        try { var p = r.ReadDouble(); if (AugmentP is not null) augment.Restore(p); }
        catch (EndOfStreamException) { }
    }

    public void Dispose()
    {
        optG.Dispose(); optD.Dispose(); rng.Dispose(); augRng.Dispose(); classWeights?.Dispose();
    }
}
