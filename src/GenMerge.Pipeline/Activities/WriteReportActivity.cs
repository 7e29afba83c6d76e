using GenMerge.Core;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Evaluation;
using GenMerge.Core.Imaging;
using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using GenMerge.Core.Models.StyleGan2;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;
using static TorchSharp.torch;

namespace GenMerge.Pipeline.Activities;

/// <summary>
/// Fan-in of the evaluation: domain accuracy (classifier fit on the references), parameter counts,
/// weight distances, sample grids and class-interpolation strips; writes report.json, report.md and
/// the run manifest.
/// </summary>
public sealed class WriteReportActivity(IArtifactStore store) : TorchActivity<ReportTask, MergeRunResult>
{
    protected override async Task<MergeRunResult> RunOnTorchThreadAsync(TaskActivityContext context, ReportTask task)
    {
        var run = new RunArtifacts(store, task.RunId);
        var req = task.Request;
        var refs = new List<Tensor>();
        var mergedF = new List<Tensor>();
        var sourceF = new List<Tensor>();
        foreach (var s in task.Sources)
        {
            await using var fs = await store.OpenReadAsync(run.Features(s.Name));
            var t = SafeTensors.Read(fs, s.Name).Tensors; // owned here: disposed below
            refs.Add(t["reference"]); mergedF.Add(t["merged"]); sourceF.Add(t["source"]);
        }
        var acc = DomainEvaluation.Accuracies(refs, mergedF);
        var srcAcc = DomainEvaluation.Accuracies(refs, sourceF);
        foreach (var t in refs.Concat(mergedF).Concat(sourceF)) t.Dispose();

        var domains = task.Evaluations.OrderBy(e => e.Class).Select(e => new DomainReport
        {
            Name = task.Sources[e.Class].Name, Class = e.Class, Reference = e.Reference,
            FidR18 = e.FidR18, KidR18 = e.KidR18, Accuracy = acc[e.Class],
            SourceFidR18 = e.SourceFidR18, SourceKidR18 = e.SourceKidR18, SourceAccuracy = srcAcc[e.Class],
        }).ToList();

        var images = new Dictionary<string, string>();
        Dictionary<string, WeightDistanceReport>? distances = null;
        using (var merged = await ModelArtifacts.LoadAsync(store, task.MergedArtifact))
        {
            await UploadGridAsync(run, "grids/merged.png", SampleGrids.PerClass(merged, req.Settings.Seed), merged.Config.CDim > 0 ? SampleGrids.Columns : null);
            images["merged samples (one row per class)"] = "grids/merged.png";
            for (int b = 1; b < task.Sources.Count; b++)
            {
                var name = $"grids/interp-{task.Sources[0].Name}-{task.Sources[b].Name}.png";
                await UploadGridAsync(run, name, ClassInterpolation.Strip(merged.GEma, 0, b, 8, 4, req.Settings.Seed), 8);
                images[$"class interpolation {task.Sources[0].Name} -> {task.Sources[b].Name}"] = name;
                if (merged.GEma is StyleGan2Generator)
                {
                    // Rows: the first domain's samples give the coarse styles; columns: domain b's give the fine ones.
                    var mix = $"grids/style-mix-{task.Sources[0].Name}-{task.Sources[b].Name}.png";
                    await UploadGridAsync(run, mix, StyleMixing.Grid(merged.GEma, 0, b, 4, 6, req.Settings.Seed), 7);
                    images[$"style mixing: coarse from {task.Sources[0].Name} (rows), fine from {task.Sources[b].Name} (columns)"] = mix;
                }
            }
        }
        var sourceModels = new List<GanModel>();
        try
        {
            foreach (var s in task.Sources) sourceModels.Add(await ModelArtifacts.LoadAsync(store, s.Artifact));
            await UploadGridAsync(run, "grids/sources.png", SampleGrids.PerModel(sourceModels, req.Settings.Seed), SampleGrids.Columns);
            images["source samples (one row per model)"] = "grids/sources.png";
            if (MergeMethod.UsesRooting(req.Settings.Method) && req.Settings.RootingSteps > 0)
            {
                distances = new Dictionary<string, WeightDistanceReport>();
                var root = sourceModels[req.Settings.Root];
                for (int i = 0; i < sourceModels.Count; i++)
                {
                    if (i == req.Settings.Root) continue;
                    using var rooted = await ModelArtifacts.LoadAsync(store, task.Rooted[i]);
                    distances[task.Sources[i].Name] = new WeightDistanceReport(
                        WeightDistance.MeanL2(sourceModels[i].G, root.G), WeightDistance.MeanL2(rooted.G, root.G));
                }
            }
        }
        finally
        {
            foreach (var m in sourceModels) m.Dispose();
        }

        var src0 = task.Sources[0];
        var settings = req.Settings;
        int finetuneSteps = settings.FinetuneSteps(task.Sources.Count);
        var finetune = settings.Training(finetuneSteps, src0.Config.Resolution);
        bool trains = finetuneSteps > 0 || MergeMethod.UsesRooting(req.Settings.Method);
        var report = new MergeReport
        {
            Method = req.Settings.Method, Family = src0.Config.Family, Resolution = src0.Config.Resolution,
            Root = task.Sources[req.Settings.Root].Name,
            RootingSteps = MergeMethod.UsesRooting(req.Settings.Method) ? req.Settings.RootingSteps : 0,
            FinetuneSteps = finetuneSteps,
            Seed = req.Settings.Seed, EvalSamples = req.Settings.EvalSamples, Domains = domains,
            Lr = req.Settings.Lr, RootingLr = MergeMethod.UsesRooting(req.Settings.Method) ? settings.LrOf(rooting: true) : null,
            FinalLr = finetuneSteps > 0 ? req.Settings.FinalLr : null,
            FreezeD = req.Settings.FreezeD > 0 && trains ? req.Settings.FreezeD : null,
            Aug = !trains ? null : req.Settings.Augment switch
            {
                Core.Training.AugmentModes.Ada => FormattableString.Invariant($"ada (target {req.Settings.AugmentTarget:G3}, from p {req.Settings.AugmentP:G3}){PipeSuffix(req.Settings)}"),
                Core.Training.AugmentModes.Fixed => FormattableString.Invariant($"fixed p {req.Settings.AugmentP:G3}{PipeSuffix(req.Settings)}"),
                _ => null,
            },
            R1Gamma = finetune.R1Gamma,
            EmaKimg = finetuneSteps > 0 ? finetune.EmaKimg : null,
            EmaRampup = finetuneSteps > 0 ? finetune.EmaRampup : null,
            Parameters = new ParameterReport
            {
                Merged = task.Init.GeneratorParameters + task.Init.DiscriminatorParameters,
                MergedGenerator = task.Init.GeneratorParameters,
                Source = src0.GeneratorParameters + src0.DiscriminatorParameters,
                SourceGenerator = src0.GeneratorParameters,
            },
            TimingsS = task.TimingsS, WeightDistance = distances, Images = images,
            Selection = task.Selection is { } sel ? SelectionOf(sel, task.Sources) : null,
        };
        await run.WriteTextAsync(run.ReportJson, report.ToJson());
        await run.WriteTextAsync(run.ReportMarkdown, report.ToMarkdown());
        await run.BuildManifestAsync();
        return new MergeRunResult(task.RunId, task.MergedArtifact, run.ReportJson, run.ReportMarkdown);
    }

    /// <summary>The pipe is named only when it is not the default, so reports of blit runs read as before.</summary>
    static string PipeSuffix(MergeSettings req) => req.AugmentPipe == Core.Training.AugmentPipes.Blit ? "" : $", pipe {req.AugmentPipe}";

    static SelectionReport SelectionOf(SelectionResult sel, IReadOnlyList<SourceInfo> sources)
    {
        Dictionary<string, double> PerDomain(IReadOnlyList<double> v) => sources.Select((s, c) => (s.Name, v[c])).ToDictionary(x => x.Name, x => x.Item2);
        return new SelectionReport
        {
            PickedStep = sel.Candidates[sel.Picked].Step,
            LastStep = sel.Candidates[^1].Step,
            FloorFidR18 = PerDomain(sel.Floors),
            Candidates = sel.Candidates.Select(c => new SelectionCandidate(c.Step, PerDomain(c.FidR18), SnapshotSelection.WorstRatio(c.FidR18, sel.Floors))).ToList(),
        };
    }

    /// <summary>Encodes the grid in memory and writes it to the run; disposes <paramref name="images"/>.</summary>
    static async Task UploadGridAsync(RunArtifacts run, string name, Tensor images, int? columns)
    {
        byte[] png;
        using (images) png = ImageGrid.ToPng(images, columns, scale: 2);
        await run.WriteAsync(run.At(name), new MemoryStream(png, writable: false));
    }
}
