using GenMerge.Core.Checkpoints;
using GenMerge.Core.Evaluation;
using GenMerge.Core.Metrics;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;
using static TorchSharp.torch;

namespace GenMerge.Pipeline.Activities;

/// <summary>
/// FID-R18 / KID-R18 of merged(class) and of the source (at the class it stands for) against the class's reference. Writes the
/// three feature sets so the report can fit the domain classifier without sampling again.
/// </summary>
public sealed class EvaluateDomainActivity(IArtifactStore store) : TorchActivity<EvalTask, DomainEvalResult>
{

    protected override async Task<DomainEvalResult> RunOnTorchThreadAsync(TaskActivityContext context, EvalTask task)
    {
        var run = new RunArtifacts(store, task.RunId);
        var req = task.Request;
        var cls = SourceClasses.Of(task.Sources)[task.Class];
        var src = task.Sources[cls.Source];
        using var merged = await ModelArtifacts.LoadAsync(store, task.MergedArtifact);
        using var source = await ModelArtifacts.LoadAsync(store, src.Artifact);
        // A reference is one domain, so only a one-domain source has one (validation refuses it on multi-class sources).
        var refSpec = src.Config.CDim <= 1 && req.Models![cls.Source].Reference is { } r ? ReferenceSpec.Parse(r, merged.Config.Resolution) : null;
        using var ev = new Evaluator();
        using var f = DomainEvaluation.Features(ev, merged, source, refSpec, task.Class, req.Settings.EvalSamples, req.Settings.Seed, cls.SourceClass);
        var (fid, kid) = DomainEvaluation.Distances(f.Merged, f.Reference);
        var (sFid, sKid) = DomainEvaluation.Distances(f.Source, f.Reference);
        await run.WriteAsync(run.Features(cls.Name), (s, _) =>
        {
            SafeTensors.Write(s, new Dictionary<string, Tensor> { ["merged"] = f.Merged, ["source"] = f.Source, ["reference"] = f.Reference },
                new Dictionary<string, string> { ["reference"] = f.ReferenceName });
            return Task.CompletedTask;
        });
        return new DomainEvalResult(task.Class, fid, kid, sFid, sKid, f.ReferenceName);
    }
}
