using System.Diagnostics;
using static TorchSharp.torch;

/// <summary>
/// The fp32 matmul FLOP/s libtorch reaches here: an n x n x n matmul repeated, best of several trials
/// (the best, not the mean, because other work on a shared machine only ever slows a trial down).
/// </summary>
static class MatmulPeak
{
    public sealed record Result(int N, int Trials, int Reps, double BestFlops, double MedianFlops);

    public static Result Measure(int n = 1024, int trials = 5, int reps = 10)
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var a = randn(n, n);
        var b = randn(n, n);
        matmul(a, b).Dispose(); // warm-up: thread pool, BLAS packing buffers
        double flopsPerMatmul = 2.0 * n * n * n;
        var rates = new List<double>();
        for (int t = 0; t < trials; t++)
        {
            var sw = Stopwatch.StartNew();
            for (int r = 0; r < reps; r++) a.mm(b).Dispose(); // a 4 MB result per 2 GFLOP: allocation is noise
            rates.Add(flopsPerMatmul * reps / sw.Elapsed.TotalSeconds);
        }
        rates.Sort();
        return new Result(n, trials, reps, rates[^1], rates[rates.Count / 2]);
    }
}
