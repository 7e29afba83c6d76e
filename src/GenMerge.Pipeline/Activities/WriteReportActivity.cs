using GenMerge.Core;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Evaluation;
using GenMerge.Core.Imaging;
using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using GenMerge.Core.Models.StyleGan2;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using GenMerge.Pipeline.Workers;
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
        var classes = SourceClasses.Of(task.Sources);
        bool extended = SourceClasses.Extended(task.Sources);
        var refs = new List<Tensor>();
        var mergedF = new List<Tensor>();
        var sourceF = new List<Tensor>();
        foreach (var c in classes)
        {
            await using var fs = await store.OpenReadAsync(run.Features(c.Name));
            var t = SafeTensors.Read(fs, c.Name).Tensors; // owned here: disposed below
            refs.Add(t["reference"]); mergedF.Add(t["merged"]); sourceF.Add(t["source"]);
        }
        var acc = DomainEvaluation.Accuracies(refs, mergedF);
        var srcAcc = DomainEvaluation.Accuracies(refs, sourceF);
        foreach (var t in refs.Concat(mergedF).Concat(sourceF)) t.Dispose();

        var domains = task.Evaluations.OrderBy(e => e.Class).Select(e => new DomainReport
        {
            Name = classes[e.Class].Name, Class = e.Class, Reference = e.Reference,
            FidR18 = e.FidR18, KidR18 = e.KidR18, Accuracy = acc[e.Class],
            SourceFidR18 = e.SourceFidR18, SourceKidR18 = e.SourceKidR18, SourceAccuracy = srcAcc[e.Class],
        }).ToList();

        var images = new Dictionary<string, string>();
        var names = task.Sources.Select(s => s.Name).ToList();
        var classNames = classes.Select(c => c.Name).ToList();
        Dictionary<string, WeightDistanceReport>? distances = null;
        using var merged = await ModelArtifacts.LoadAsync(store, task.MergedArtifact);
        foreach (var grid in ReportGrids.OfMerged(merged, classNames, req.Settings.Seed))
            await UploadGridAsync(run, grid, images);
        var sourceModels = new List<GanModel>();
        try
        {
            foreach (var s in task.Sources) sourceModels.Add(await ModelArtifacts.LoadAsync(store, s.Artifact));
            await UploadGridAsync(run, ReportGrids.OfSources(sourceModels, req.Settings.Seed), images);
            if (ReportGrids.SideBySide(sourceModels, merged, req.Settings.Seed) is { } paired) await UploadGridAsync(run, paired, images);
            if (MergeMethod.UsesRooting(req.Settings.Method) && req.Settings.RootingSteps > 0)
            {
                distances = new Dictionary<string, WeightDistanceReport>();
                var root = sourceModels[req.Settings.Root];
                for (int i = 0; i < sourceModels.Count; i++)
                {
                    if (i == req.Settings.Root) continue;
                    using var rooted = await ModelArtifacts.LoadAsync(store, task.Rooted[i]);
                    // Class-extended path: c_dims differ, so the distance is over the tensors that share a shape.
                    distances[task.Sources[i].Name] = extended
                        ? new WeightDistanceReport(WeightDistance.MeanL2Shared(sourceModels[i].G, root.G), WeightDistance.MeanL2Shared(rooted.G, root.G))
                        : new WeightDistanceReport(WeightDistance.MeanL2(sourceModels[i].G, root.G), WeightDistance.MeanL2(rooted.G, root.G));
                }
            }
        }
        finally
        {
            foreach (var m in sourceModels) m.Dispose();
        }

        var src0 = task.Sources[0];
        var workerRecords = await WorkerRecords.ReadAllAsync(run); // one listing for both of the report's worker fields
        var report = MergeReportBuilder.Build(req.Settings, new MergeOutcome
        {
            Names = names, SourceConfig = src0.Config, Domains = domains,
            Parameters = new ParameterReport
            {
                Merged = task.Init.GeneratorParameters + task.Init.DiscriminatorParameters,
                MergedGenerator = task.Init.GeneratorParameters,
                Source = src0.GeneratorParameters + src0.DiscriminatorParameters,
                SourceGenerator = src0.GeneratorParameters,
            },
            TimingsS = task.TimingsS, WeightDistance = distances, Images = images,
            Selection = task.Selection is { } sel ? SelectionOf(sel, classNames) : null,
            Workers = WorkerRecords.ByStage(workerRecords),
            Compute = WorkerRecords.ComputeByWorker(workerRecords),
        });
        await run.WriteTextAsync(run.ReportJson, report.ToJson());
        await run.WriteTextAsync(run.ReportMarkdown, report.ToMarkdown());
        await run.BuildManifestAsync();
        return new MergeRunResult(task.RunId, task.MergedArtifact, run.ReportJson, run.ReportMarkdown);
    }

    static SelectionReport SelectionOf(SelectionResult sel, IReadOnlyList<string> classNames)
    {
        Dictionary<string, double> PerDomain(IReadOnlyList<double> v) => classNames.Select((n, c) => (n, v[c])).ToDictionary(x => x.n, x => x.Item2);
        return new SelectionReport
        {
            PickedStep = sel.Candidates[sel.Picked].Step,
            LastStep = sel.Candidates[^1].Step,
            FloorFidR18 = PerDomain(sel.Floors),
            Candidates = sel.Candidates.Select(c => new SelectionCandidate(c.Step, PerDomain(c.FidR18), SnapshotSelection.WorstRatio(c.FidR18, sel.Floors))
            {
                Accuracy = c.Accuracy is { } a ? PerDomain(a) : null,
            }).ToList(),
        };
    }

    /// <summary>Draws the grid, writes it to the run encoded in memory, and lists it under its caption.</summary>
    static async Task UploadGridAsync(RunArtifacts run, ReportGrid grid, Dictionary<string, string> images)
    {
        byte[] png;
        using (var t = grid.Render()) png = ImageGrid.ToPng(t, grid.Columns, ReportGrids.Scale);
        await run.WriteAsync(run.At(grid.Name), new MemoryStream(png, writable: false));
        images[grid.Label] = grid.Name;
    }
}
