// Measures ms/image of ResNet18 feature extraction (32x32 inputs resized to 224) for several batch
// sizes and thread layouts. Configurations are interleaved over rounds and the median is reported,
// since other work on the machine makes single timings noisy; CPU ms/image is the process's CPU time.
// Usage: dotnet run -c Release --project bench/metrics -- [images=64] [rounds=3] [batches=1,8,16,32,64] [--variants]
//   --variants also times ONNX alone on preprocessed input and sessions without thread spinning.
using System.Diagnostics;
using GenMerge.Core.Metrics;
using TorchSharp;
using static TorchSharp.torch;

var positional = args.Where(a => !a.StartsWith("--")).ToArray();
int images = positional.Length > 0 ? int.Parse(positional[0]) : 64;
int rounds = positional.Length > 1 ? int.Parse(positional[1]) : 3;
int[] batches = positional.Length > 2 ? positional[2].Split(',').Select(int.Parse).ToArray() : new[] { 1, 8, 16, 32, 64 };
bool variants = args.Contains("--variants");

torch.manual_seed(0);
var x = (torch.rand(images, 3, 32, 32) * 2 - 1).DetachFromDisposeScope();
Console.WriteLine($"{images} images 32x32 -> 224, {Environment.ProcessorCount} cores, torch threads {torch.get_num_threads()}, median of {rounds} rounds");

int cores = Environment.ProcessorCount;
var configs = new List<(string Name, Action Run, IDisposable[] Owned)>();
Tensor pre;
using (var fxPre = new ResNet18Features()) pre = fxPre.Preprocess(x).DetachFromDisposeScope();
foreach (var batch in batches)
{
    var fx = new ResNet18Features(new ResNet18FeatureOptions { BatchSize = batch });
    configs.Add(($"Extract, batch {batch,2}, {fx.Threads} threads", () => { using var _ = NewDisposeScope(); fx.Extract(x); }, new IDisposable[] { fx }));
    if (!variants) continue;
    configs.Add(($"ONNX only (preprocessed), batch {batch,2}", () => { using var _ = NewDisposeScope(); fx.ExtractPreprocessed(pre); }, Array.Empty<IDisposable>()));
    var quiet = new ResNet18Features(new ResNet18FeatureOptions { BatchSize = batch, AllowSpinning = false });
    configs.Add(($"Extract, batch {batch,2}, no spinning", () => { using var _ = NewDisposeScope(); quiet.Extract(x); }, new IDisposable[] { quiet }));
}
{
    // Alternative to batching: one batch-1 session per core, each single-threaded, images split between them.
    var sessions = Enumerable.Range(0, cores)
        .Select(_ => new ResNet18Features(new ResNet18FeatureOptions { BatchSize = 1, Threads = 1 })).ToArray();
    var parts = x.chunk(cores).Select(p => p.DetachFromDisposeScope()).ToArray();
    configs.Add(($"{cores} batch-1 sessions x 1 thread, parallel", () =>
        Parallel.For(0, cores, i => { using var _ = NewDisposeScope(); sessions[i].Extract(parts[i]); }), sessions));
}

var times = configs.Select(_ => new List<double>()).ToArray();
var cpu = configs.Select(_ => new List<double>()).ToArray();
var proc = Process.GetCurrentProcess();
foreach (var c in configs) c.Run(); // warm-up: first Run plans and allocates
for (int r = 0; r < rounds; r++)
    for (int i = 0; i < configs.Count; i++)
    {
        proc.Refresh();
        var cpu0 = proc.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        configs[i].Run();
        times[i].Add(sw.Elapsed.TotalMilliseconds / images);
        proc.Refresh();
        cpu[i].Add((proc.TotalProcessorTime - cpu0).TotalMilliseconds / images);
    }
for (int i = 0; i < configs.Count; i++)
{
    var t = times[i].Order().ToArray();
    var c = cpu[i].Order().ToArray();
    Console.WriteLine($"{configs[i].Name,-40} {t[t.Length / 2],7:F2} ms/image wall (min {t[0]:F2}, max {t[^1]:F2}), {c[c.Length / 2],7:F2} ms/image CPU");
}
foreach (var c in configs) foreach (var d in c.Owned) d.Dispose();
