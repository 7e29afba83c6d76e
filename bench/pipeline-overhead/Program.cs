// A whole merge as plain GenMerge.Core calls in one process, with no Durable host, no artifact store and no
// training segments: the baseline against which run.sh measures what the orchestration costs. It does the
// same work as MergeOrchestrator + its activities (validate, shards, rooting, init, fine-tune, evaluation,
// report with accuracy, grids and weight distances) and writes merged.safetensors, report.json/.md and grids.
using System.Diagnostics;
using System.Globalization;
using GenMerge.Core;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Data;
using GenMerge.Core.Evaluation;
using GenMerge.Core.Imaging;
using GenMerge.Core.Merging;
using GenMerge.Core.Metrics;
using GenMerge.Core.Models;
using GenMerge.Core.Training;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
DirectOptions o;
try { o = DirectOptions.Parse(args); }
catch (ArgumentException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }
// --thread-pool runs the same calls on a thread-pool thread, as the pipeline's activities run: on this
// machine libtorch trains measurably slower off the process's main thread (see README.md).
return o.ThreadPool ? await Task.Run(Merge) : Merge();

int Merge()
{
    var s = o.Settings;
    Directory.CreateDirectory(Path.Combine(o.Out, "grids"));
    var total = Stopwatch.StartNew();
    var lap = Stopwatch.StartNew();
    var timings = new Dictionary<string, double>();
    void Lap(string stage) { timings[stage] = Math.Round(lap.Elapsed.TotalSeconds, 3); Console.WriteLine($"[{total.Elapsed:mm\\:ss}] {stage}: {lap.Elapsed.TotalSeconds:F1} s"); lap.Restart(); }

    // validate: load every source, refuse incompatible ones, hash them for provenance.
    var sources = o.Models.Select(p => Checkpoint.Load(p)).ToList();
    var names = sources.Select((m, i) => ProceduralDomain.DomainOf(m.Provenance.Data) ?? Path.GetFileNameWithoutExtension(o.Models[i])).ToList();
    SourceCheck.Compatible(sources.Select(m => m.Config).ToList(), names);
    var hashes = o.Models.Select(Checkpoint.Sha256).ToList();
    int res = sources[0].Config.Resolution;
    Lap("validate");

    // shards: the same uint8 safetensors round trip the pipeline's data goes through, kept in memory.
    var data = new List<(Tensor Images, Tensor Z)>();
    for (int m = 0; m < sources.Count; m++)
    {
        var parts = new List<(Tensor Images, Tensor Z)>();
        for (int k = 0; k < s.Shards(sources.Count, sources.Count, res); k++)
        {
            using var ms = new MemoryStream();
            SyntheticShards.Write(sources[m], m, k, s.ShardCount(k, sources.Count, sources.Count, res), s.Seed, ms, hashes[m]);
            ms.Position = 0;
            parts.Add(SyntheticShards.ReadPairs(ms, $"shard {names[m]}/{k}"));
        }
        data.Add((cat(parts.Select(p => p.Images).ToList(), 0), cat(parts.Select(p => p.Z).ToList(), 0)));
        foreach (var p in parts) { p.Images.Dispose(); p.Z.Dispose(); }
    }
    Lap("shards");

    void Train(GanModel model, ITrainingData d, int steps, string job)
    {
        // As TrainSegmentActivity does: the job counts its own steps from 0.
        model.Provenance = new Provenance { Kind = job.StartsWith("rooted/") ? "root" : "finetune", Steps = 0, Seed = s.Seed, Parents = hashes.ToArray() };
        using var trainer = new GanTrainer(model, d, s.Training(steps, res));
        var clock = Stopwatch.StartNew();
        trainer.Train(steps, p =>
        {
            if (clock.Elapsed.TotalSeconds < 10 && p.Step < steps) return;
            clock.Restart();
            Console.WriteLine($"[{total.Elapsed:mm\\:ss}] {job}: {p.Describe()}");
        });
    }

    // rooting: a copy of the root fine-tuned on each other model's shards, all steps in one go.
    var rooted = new List<GanModel>();
    bool rooting = MergeMethod.UsesRooting(s.Method);
    if (rooting)
    {
        for (int m = 0; m < sources.Count; m++)
        {
            var copy = ModelCopy.Clone(sources[s.Root]);
            if (m != s.Root && s.RootingSteps > 0)
                Train(copy, new UnconditionalData(new ShardPool(data[m].Images, data[m].Z, s.Seed, names[m])), s.RootingSteps, $"rooted/{names[m]}");
            rooted.Add(copy);
        }
        if (s.RootingSteps > 0) Lap("rooting");
    }

    using var merged = MergeInit.Build(s.Method, sources, rooting ? rooted : null, s.Root, names, s.Seed, hashes);
    var (mergedG, mergedD) = Conditioning.ParameterCounts(merged);
    Lap("init");

    int finetune = s.FinetuneSteps(sources.Count);
    if (finetune > 0)
        Train(merged, new ClassMixData(data.Select((t, k) => (IClassSamples)new ShardPool(t.Images, t.Z, s.Seed + k, names[k])).ToList(), s.Seed), finetune, "finetune");
    Checkpoint.Save(merged, Path.Combine(o.Out, "merged.safetensors"));
    Lap("finetune");

    // eval: FID-R18/KID-R18 per domain against its built-in domain (or held-out source samples).
    var feats = new List<DomainFeatures>();
    var evals = new List<(double Fid, double Kid, double SFid, double SKid)>();
    using (var ev = new Evaluator())
        for (int c = 0; c < sources.Count; c++)
        {
            var spec = ProceduralDomain.DomainOf(sources[c].Provenance.Data) is not null ? ReferenceSpec.Parse(sources[c].Provenance.Data!, res) : null;
            var f = DomainEvaluation.Features(ev, merged, sources[c], spec, c, s.EvalSamples, s.Seed);
            var (fid, kid) = DomainEvaluation.Distances(f.Merged, f.Reference);
            var (sFid, sKid) = DomainEvaluation.Distances(f.Source, f.Reference);
            feats.Add(f);
            evals.Add((fid, kid, sFid, sKid));
        }
    Lap("eval");

    // report: domain accuracy, grids, interpolation strips, weight distances.
    var acc = DomainEvaluation.Accuracies(feats.Select(f => f.Reference).ToList(), feats.Select(f => f.Merged).ToList());
    var srcAcc = DomainEvaluation.Accuracies(feats.Select(f => f.Reference).ToList(), feats.Select(f => f.Source).ToList());
    // The same grids and report fields as the pipeline's WriteReportActivity (Core's ReportGrids, MergeReportBuilder).
    var images = new Dictionary<string, string>();
    void Grid(ReportGrid g)
    {
        using (var t = g.Render()) ImageGrid.Save(t, Path.Combine(o.Out, g.Name), g.Columns, ReportGrids.Scale);
        images[g.Label] = g.Name;
    }
    foreach (var g in ReportGrids.OfMerged(merged, names, s.Seed)) Grid(g);
    Grid(ReportGrids.OfSources(sources, s.Seed));
    Dictionary<string, WeightDistanceReport>? distances = null;
    if (rooting && s.RootingSteps > 0)
        distances = Enumerable.Range(0, sources.Count).Where(i => i != s.Root).ToDictionary(i => names[i],
            i => new WeightDistanceReport(WeightDistance.MeanL2(sources[i].G, sources[s.Root].G), WeightDistance.MeanL2(rooted[i].G, sources[s.Root].G)));
    var (srcG, srcD) = Conditioning.ParameterCounts(sources[0]);
    var report = MergeReportBuilder.Build(s, new MergeOutcome
    {
        Names = names, SourceConfig = sources[0].Config,
        Domains = evals.Select((e, c) => new DomainReport
        {
            Name = names[c], Class = c, Reference = feats[c].ReferenceName, FidR18 = e.Fid, KidR18 = e.Kid, Accuracy = acc[c],
            SourceFidR18 = e.SFid, SourceKidR18 = e.SKid, SourceAccuracy = srcAcc[c],
        }).ToList(),
        Parameters = new ParameterReport { Merged = mergedG + mergedD, MergedGenerator = mergedG, Source = srcG + srcD, SourceGenerator = srcG },
        TimingsS = timings, WeightDistance = distances, Images = images,
    });
    Lap("report");
    File.WriteAllText(Path.Combine(o.Out, "report.json"), report.ToJson());
    File.WriteAllText(Path.Combine(o.Out, "report.md"), report.ToMarkdown());
    foreach (var f in feats) f.Dispose();
    foreach (var t in data) { t.Images.Dispose(); t.Z.Dispose(); }
    foreach (var m in sources.Concat(rooted)) m.Dispose();
    Console.WriteLine($"direct merge done in {total.Elapsed.TotalSeconds:F1} s: {Path.Combine(o.Out, "report.md")}");
    return 0;
}
