// Training throughput, model-FLOP utilisation and memory of GenMerge.Core, in one run: libtorch's fp32 matmul
// peak, per-family ms/step and img/s, and memory sampled over a long run. Prints a markdown report and writes it
// to --out. Options and defaults: see BenchOptions.cs and README.md.
using System.Diagnostics;
using System.Globalization;
using GenMerge.Core.Models;
using static TorchSharp.torch;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var o = BenchOptions.Parse(args);
var started = DateTime.UtcNow;
var clock = Stopwatch.StartNew();
string loadStart = MachineInfo.LoadAverage();
void Log(string line) => Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {line}");
Log($"load {loadStart}; {Environment.ProcessorCount} cores, torch threads {get_num_threads()}");

// FLOP counts first: cheap, and a missing rule should stop the run before any timing.
var layers = new Dictionary<string, (List<ForwardFlops.Layer>, List<ForwardFlops.Layer>)>();
foreach (var family in o.Families)
{
    using var m = GanModel.Create(ModelConfig.Default(family, o.Resolution), seed: 1);
    layers[family] = (ForwardFlops.Count(m.G, m.Config, true), ForwardFlops.Count(m.D, m.Config, false));
    Log($"{family}: forward MFLOP/img G {ForwardFlops.Flops(layers[family].Item1) / 1e6:F2}, D {ForwardFlops.Flops(layers[family].Item2) / 1e6:F2}");
}

var peakBefore = MatmulPeak.Measure(o.MatmulN);
Log($"matmul peak {peakBefore.BestFlops / 1e9:F1} GFLOP/s (median {peakBefore.MedianFlops / 1e9:F1})");

// The long memory run goes first, so that it starts from a fresh process and not from the allocator
// state the larger stylegan2 run leaves behind.
var memory = new List<MemoryRun.Result>();
foreach (var family in o.MemoryFamilies)
    memory.Add(MemoryRun.Measure(family, o.Resolution, o.Batch, o.MemorySteps, o.MemoryEvery, o.MemoryMaxSeconds,
        s => Log($"{family} memory step {s.Step}: working set {s.WorkingSetMb:F0} MB, RssAnon {s.RssAnonMb:F0} MB, load {MachineInfo.LoadAverage()}")));

var throughput = new List<ThroughputRun.Result>();
foreach (var family in o.Families)
{
    var t = ThroughputRun.Measure(family, o.Resolution, o.Batch, o.Warmup, o.Steps, o.MaxSeconds);
    throughput.Add(t);
    Log($"{family}: {t.Steps} steps, {t.MeanMs:F1} ms/step (median {t.MedianMs:F1}), {t.ImagesPerSecond:F1} img/s, MFU {t.ModelFlopsPerSecond / peakBefore.BestFlops:F3}, load {t.LoadAfter}");
}

var peakAfter = MatmulPeak.Measure(o.MatmulN);
Log($"matmul peak {peakAfter.BestFlops / 1e9:F1} GFLOP/s (median {peakAfter.MedianFlops / 1e9:F1})");

string command = "dotnet bench/training/bin/Release/net10.0/TrainingBench.dll" + (args.Length > 0 ? " " + string.Join(" ", args) : "");
var report = Report.Render(new Report.Inputs(o, command, started, clock.Elapsed, get_num_threads(), loadStart, MachineInfo.LoadAverage(),
    peakBefore, peakAfter, throughput, memory, layers));
Console.WriteLine(report);
var dir = Path.GetDirectoryName(Path.GetFullPath(o.Out));
if (dir is not null) Directory.CreateDirectory(dir);
File.WriteAllText(o.Out, report);
Log($"wrote {o.Out}");
