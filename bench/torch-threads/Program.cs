// Does it matter which thread libtorch trains on? 400 steps of the compact 32x32 GAN as 4 segments of
// 100 (a new GanTrainer each, as TrainSegmentActivity does), run as one of:
//   main        every segment on the process's main thread
//   new-thread  every segment on a new thread (activities hop between thread-pool threads)
//   one-thread  every segment on one long-lived worker thread
// Prints seconds per segment and the total. Usage: threads-bench MODE [--nothing-on-main]
using System.Collections.Concurrent;
using System.Diagnostics;
using GenMerge.Core.Data;
using GenMerge.Core.Models;
using GenMerge.Core.Training;

string mode = args.Length > 0 ? args[0] : "main";
if (mode is not ("main" or "new-thread" or "one-thread")) { Console.Error.WriteLine($"error: mode '{mode}' (expected main, new-thread or one-thread)"); return 2; }
var options = new TrainOptions { Steps = 400, BatchSize = 32, Seed = 1, R1Gamma = 0.0002 * 32 * 32 / 32 };
TorchSharp.torch.Tensor images = null!;
GanModel model = null!;
void Setup() { images = ProceduralDomain.Create("rings", 32, 1).NextBatch(2048); model = GanModel.Create(ModelConfig.Default(ModelConfig.Compact, 32), 1); }

double Segment(int steps)
{
    using var trainer = new GanTrainer(model, new UnconditionalData(new TensorImageSource(images, 1)), options);
    var clock = Stopwatch.StartNew();
    trainer.Train(steps);
    return clock.Elapsed.TotalSeconds;
}

using var worker = new BlockingCollection<Action>();
new Thread(() => { foreach (var a in worker.GetConsumingEnumerable()) a(); }) { IsBackground = true }.Start();
double On(Func<double> f)
{
    double t = 0;
    switch (mode)
    {
        case "main": t = f(); break;
        case "new-thread": var th = new Thread(() => t = f()); th.Start(); th.Join(); break;
        default: using (var done = new ManualResetEventSlim()) { worker.Add(() => { t = f(); done.Set(); }); done.Wait(); } break;
    }
    return t;
}

// By default the data and model are made on the main thread (libtorch then has run there); with
// --nothing-on-main they are made where the segments run, so the main thread never touches libtorch.
if (args.Contains("--nothing-on-main")) On(() => { Setup(); return 0; }); else Setup();
On(() => Segment(10));
var times = Enumerable.Range(0, 4).Select(_ => On(() => Segment(100))).ToList();
Console.WriteLine($"{mode}: {string.Join(" ", times.Select(x => x.ToString("F2")))} s per 100 steps, total {times.Sum():F2} s");
return 0;
