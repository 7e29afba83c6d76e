using System.Text;

/// <summary>The markdown report: settings and machine, matmul peak, throughput and MFU, memory, FLOP counts.</summary>
static class Report
{
    public sealed record Inputs(
        BenchOptions Options, string Command, DateTime StartedUtc, TimeSpan Elapsed, int TorchThreads,
        string LoadStart, string LoadEnd, MatmulPeak.Result PeakBefore, MatmulPeak.Result PeakAfter,
        IReadOnlyList<ThroughputRun.Result> Throughput, IReadOnlyList<MemoryRun.Result> Memory,
        IReadOnlyDictionary<string, (List<ForwardFlops.Layer> G, List<ForwardFlops.Layer> D)> Layers);

    public static string Render(Inputs r)
    {
        var o = r.Options;
        double peak = Math.Max(r.PeakBefore.BestFlops, r.PeakAfter.BestFlops);
        var sb = new StringBuilder();
        sb.AppendLine("# Training throughput of GenMerge.Core").AppendLine();
        sb.AppendLine($"Run {r.StartedUtc:yyyy-MM-dd HH:mm} UTC, {r.Elapsed.TotalMinutes:F1} min in all. Command (from the repository root):").AppendLine();
        sb.AppendLine("```").AppendLine("dotnet build bench/training -c Release").AppendLine(r.Command).AppendLine("```").AppendLine();
        sb.AppendLine($"- Machine: {Environment.ProcessorCount} cores (nproc), {MachineInfo.CpuModel()}, {MachineInfo.MemTotal()} memory; CPU libtorch, {r.TorchThreads} intra-op threads");
        sb.AppendLine($"- TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, .NET {Environment.Version}");
        sb.AppendLine($"- Load average (1/5/15 min) at start: {r.LoadStart}; at end: {r.LoadEnd}. The machine is shared: a load above the core count means other work competed for the cores.");
        sb.AppendLine($"- {o.Resolution}x{o.Resolution} images, batch {o.Batch}, unconditional, procedural domain 'rings'; a step is one G step + one D step (+ lazy R1 every 16 steps) + the G EMA update (`GanTrainer.TrainStep`).");
        sb.AppendLine();

        sb.AppendLine("## fp32 matmul peak (libtorch, this run)").AppendLine();
        sb.AppendLine($"{o.MatmulN}x{o.MatmulN} @ {o.MatmulN}x{o.MatmulN}, {r.PeakBefore.Reps} matmuls per trial, {r.PeakBefore.Trials} trials; best trial is the peak.").AppendLine();
        sb.AppendLine("| when | best GFLOP/s | median GFLOP/s |").AppendLine("|---|---|---|");
        sb.AppendLine($"| before training | {G(r.PeakBefore.BestFlops)} | {G(r.PeakBefore.MedianFlops)} |");
        sb.AppendLine($"| after training | {G(r.PeakAfter.BestFlops)} | {G(r.PeakAfter.MedianFlops)} |");
        sb.AppendLine().AppendLine($"MFU below divides by the better of the two: **{G(peak)} GFLOP/s**.").AppendLine();

        sb.AppendLine("## Throughput and model-FLOP utilisation").AppendLine();
        sb.AppendLine($"Up to {o.Warmup} warm-up steps, then up to {o.Steps} steps timed one by one, each phase capped at {o.MaxSeconds} s per family " +
                      "(steps actually run in the table). R1 steps are included, so the mean is amortised. MFU = model FLOP/s at the mean step time / the matmul peak; " +
                      "the median-based MFU is less sensitive to steps slowed by other work on the machine.").AppendLine();
        sb.AppendLine("| family | warm-up + timed steps | G / D params | fwd MFLOP/img G / D | model GFLOP/step | ms/step mean (median; min-max) | img/s | CPU ms/step | model GFLOP/s | MFU (at median) | peak working set MB (before model) | load 1-min during |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var t in r.Throughput)
            sb.AppendLine($"| {t.Family} | {t.Warmup} + {t.Steps} | {t.GParams:N0} / {t.DParams:N0} | {t.GForwardFlops / 1e6:F2} / {t.DForwardFlops / 1e6:F2} | {t.ModelFlopsPerStep / 1e9:F3} | " +
                          $"**{t.MeanMs:F1}** ({t.MedianMs:F1}; {t.MinMs:F1}-{t.MaxMs:F1}) | **{t.ImagesPerSecond:F1}** | {t.CpuMsPerStep:F0} | {G(t.ModelFlopsPerSecond)} | " +
                          $"**{t.ModelFlopsPerSecond / peak:F3}** ({t.ModelFlopsPerSecondAtMedian / peak:F3}) | {t.PeakWorkingSetMb:F0} ({t.BaselineWorkingSetMb:F0}) | {t.LoadBefore.Split(' ')[0]} -> {t.LoadAfter.Split(' ')[0]} |");
        sb.AppendLine();
        sb.AppendLine("Model FLOPs per step follow the issue's convention, 3 x the forward FLOPs of every forward pass in a step: " +
                      "G step = G(z) + D(fake); D step = G(z) without grad + D(fake) + D(real); so B x 3 x (2 G + 3 D). " +
                      "What a step actually executes is less (the no-grad G pass has no backward; the G step's backward through D skips D's weight gradients): " +
                      "about B x (4 G + 8 D) forward-equivalents, plus the R1 double-backward every 16th step. " +
                      "CPU ms/step is the process's CPU time, which with 2 threads is up to twice the wall time.").AppendLine();

        if (r.Memory.Count > 0)
        {
            sb.AppendLine("## Memory over a long run").AppendLine();
            sb.AppendLine($"Run first in the process (fresh allocator), its own model (seed 2), {o.MemorySteps} steps asked, stopped early after {o.MemoryMaxSeconds} s. Slopes are least-squares fits; the later-window slope leaves out the allocator's early growth.").AppendLine();
            foreach (var m in r.Memory)
            {
                var s = m.Samples;
                long half = m.Steps / 4;
                sb.AppendLine($"### {m.Family}: {m.Steps} steps, sampled every {m.Every} ({m.Seconds / 60:F1} min, {m.Seconds * 1000 / m.Steps:F0} ms/step)").AppendLine();
                sb.AppendLine("| MB | start (step 0, model built) | end | max | slope MB/1000 steps (all) | slope after step " + half + " |");
                sb.AppendLine("|---|---|---|---|---|---|");
                Row(sb, "working set", m, x => x.WorkingSetMb, half);
                Row(sb, "private bytes (.NET)", m, x => x.PrivateMb, half);
                Row(sb, "RssAnon (tensors live here)", m, x => x.RssAnonMb, half);
                Row(sb, "managed heap", m, x => x.ManagedMb, half);
                sb.AppendLine().AppendLine("<details><summary>samples</summary>").AppendLine();
                sb.AppendLine("| step | working set MB | private MB | RssAnon MB | managed MB |").AppendLine("|---|---|---|---|---|");
                foreach (var x in s) sb.AppendLine($"| {x.Step} | {x.WorkingSetMb:F1} | {x.PrivateMb:F1} | {x.RssAnonMb:F1} | {x.ManagedMb:F1} |");
                sb.AppendLine().AppendLine("</details>").AppendLine();
            }
        }

        sb.AppendLine("## How forward FLOPs are counted").AppendLine();
        sb.AppendLine("Analytically, per image: each conv or linear weight of G and D (found by walking `named_parameters()`) times the number of output " +
                      "positions per image at which the architecture applies it (from the block name `b{res}`): a conv at r x r costs r^2 x O x I x k^2 MACs, " +
                      "a stride-2 transposed conv (stylegan2 upsampling conv0) costs (r/2)^2 x O x I x k^2 (per input pixel), stylegan2 D's downsampling conv1 and skip " +
                      "produce (r/2)^2 outputs, linear layers (mapping, affine styles, fc) run once per image; stylegan2's demodulation adds an I x O matmul per modulated conv. " +
                      "FLOPs = 2 x MACs. Not counted: elementwise ops, FIR resampling filters, normalisation, noise, losses, Adam and EMA. " +
                      "Hooks were not an option: the models call `forward` directly (TorchSharp runs hooks only from `call`), and stylegan2's convs are functional. " +
                      "A weight without a rule stops the benchmark, so a changed architecture cannot silently shrink the count.").AppendLine();
        foreach (var (family, (gl, dl)) in r.Layers)
        {
            sb.AppendLine($"<details><summary>{family}: per-layer forward MACs per image</summary>").AppendLine();
            sb.AppendLine("| net | weight | shape | positions/img | MACs/img |").AppendLine("|---|---|---|---|---|");
            foreach (var (net, list) in new[] { ("G", gl), ("D", dl) })
                foreach (var l in list) sb.AppendLine($"| {net} | {l.Name} | [{string.Join(", ", l.Shape)}] | {l.Positions} | {l.Macs:N0} |");
            sb.AppendLine().AppendLine("</details>").AppendLine();
        }
        return sb.ToString();
    }

    static void Row(StringBuilder sb, string label, MemoryRun.Result m, Func<MemorySample, double> f, long from)
    {
        var s = m.Samples;
        sb.AppendLine($"| {label} | {f(s[0]):F1} | {f(s[^1]):F1} | {s.Max(f):F1} | {m.Slope(f):+0.0;-0.0} | {m.Slope(f, from):+0.0;-0.0} |");
    }

    static string G(double flops) => (flops / 1e9).ToString("F1");
}
