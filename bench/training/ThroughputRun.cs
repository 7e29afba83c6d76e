using System.Diagnostics;
using GenMerge.Core.Data;
using GenMerge.Core.Models;
using GenMerge.Core.Training;

/// <summary>Timing of GanTrainer.TrainStep for one family: warm-up steps, then N timed steps one by one.</summary>
static class ThroughputRun
{
    public sealed record Result(
        string Family, int Batch, int Warmup, int Steps,
        double MeanMs, double MedianMs, double MinMs, double MaxMs, double CpuMsPerStep,
        double GForwardFlops, double DForwardFlops, long GParams, long DParams,
        double PeakWorkingSetMb, double BaselineWorkingSetMb, string LoadBefore, string LoadAfter)
    {
        public double ImagesPerSecond => Batch * 1000.0 / MeanMs;
        /// <summary>
        /// The convention: 3 x the forward FLOPs of every forward pass a step runs. G step: G(z) and
        /// D(fake); D step: G(z) without grad, D(fake), D(real). Per step: B x (2 G + 3 D).
        /// </summary>
        public double ModelFlopsPerStep => 3.0 * Batch * (2 * GForwardFlops + 3 * DForwardFlops);
        public double ModelFlopsPerSecond => ModelFlopsPerStep * 1000.0 / MeanMs;
        /// <summary>At the median step time: less sensitive to steps slowed by other work on the machine.</summary>
        public double ModelFlopsPerSecondAtMedian => ModelFlopsPerStep * 1000.0 / MedianMs;
    }

    public static TrainOptions Options(int batch, int resolution) =>
        // R1 gamma scaled as stylegan2-ada's heuristic 0.0002 * res^2 / batch.
        new() { BatchSize = batch, Seed = 1, R1Gamma = 0.0002 * resolution * resolution / batch };

    public static Result Measure(string family, int resolution, int batch, int warmup, int steps, double maxSeconds)
    {
        var before = MemorySample.Take(0);
        using var model = GanModel.Create(ModelConfig.Default(family, resolution), seed: 1);
        var gLayers = ForwardFlops.Count(model.G, model.Config, generator: true);
        var dLayers = ForwardFlops.Count(model.D, model.Config, generator: false);
        var data = new UnconditionalData(ProceduralDomain.Create("rings", resolution, seed: 1));
        using var trainer = new GanTrainer(model, data, Options(batch, resolution));

        var budget = Stopwatch.StartNew();
        int warm = 0;
        while (warm < warmup && budget.Elapsed.TotalSeconds < maxSeconds) { trainer.TrainStep(); warm++; }

        string loadBefore = MachineInfo.LoadAverage();
        var proc = Process.GetCurrentProcess();
        proc.Refresh();
        var cpu0 = proc.TotalProcessorTime;
        var timed = new List<double>();
        double peakWs = 0;
        budget.Restart();
        for (int i = 0; i < steps && (i < 3 || budget.Elapsed.TotalSeconds < maxSeconds); i++)
        {
            var sw = Stopwatch.StartNew();
            trainer.TrainStep();
            timed.Add(sw.Elapsed.TotalMilliseconds);
            peakWs = Math.Max(peakWs, MemorySample.Take(i).WorkingSetMb); // outside the timed section
        }
        proc.Refresh();
        double cpuMs = (proc.TotalProcessorTime - cpu0).TotalMilliseconds;
        string loadAfter = MachineInfo.LoadAverage();

        var sorted = timed.Order().ToArray();
        return new Result(family, batch, warm, timed.Count,
            timed.Average(), sorted[sorted.Length / 2], sorted[0], sorted[^1], cpuMs / timed.Count,
            ForwardFlops.Flops(gLayers), ForwardFlops.Flops(dLayers),
            model.G.parameters().Sum(p => p.numel()), model.D.parameters().Sum(p => p.numel()),
            peakWs, before.WorkingSetMb, loadBefore, loadAfter);
    }
}
