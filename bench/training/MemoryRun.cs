using GenMerge.Core.Data;
using GenMerge.Core.Models;
using GenMerge.Core.Training;

/// <summary>
/// A long training run sampling the process's memory every <c>every</c> steps, to show it stays flat
/// (every step's tensors are released by the trainer's dispose scope).
/// </summary>
static class MemoryRun
{
    public sealed record Result(string Family, int Steps, int Every, double Seconds, IReadOnlyList<MemorySample> Samples)
    {
        /// <summary>Least-squares slope of a series, in MB per 1000 steps, over samples from <paramref name="fromStep"/> on.</summary>
        public double Slope(Func<MemorySample, double> value, long fromStep = 0)
        {
            var s = Samples.Where(x => x.Step >= fromStep).ToArray();
            if (s.Length < 2) return double.NaN;
            double mx = s.Average(x => (double)x.Step), my = s.Average(value);
            double sxy = s.Sum(x => (x.Step - mx) * (value(x) - my)), sxx = s.Sum(x => (x.Step - mx) * (x.Step - mx));
            return sxy / sxx * 1000;
        }
    }

    public static Result Measure(string family, int resolution, int batch, int steps, int every, double maxSeconds, Action<MemorySample>? progress = null)
    {
        using var model = GanModel.Create(ModelConfig.Default(family, resolution), seed: 2);
        var data = new UnconditionalData(ProceduralDomain.Create("rings", resolution, seed: 2));
        using var trainer = new GanTrainer(model, data, ThroughputRun.Options(batch, resolution));
        var samples = new List<MemorySample> { MemorySample.Take(0) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 1; i <= steps; i++)
        {
            trainer.TrainStep();
            if (i % every == 0 || i == steps)
            {
                var s = MemorySample.Take(i);
                samples.Add(s);
                progress?.Invoke(s);
                if (clock.Elapsed.TotalSeconds > maxSeconds) break; // the report gives the steps actually run
            }
        }
        return new Result(family, (int)samples[^1].Step, every, clock.Elapsed.TotalSeconds, samples);
    }
}
