using GenMerge.Core.Checkpoints;
using GenMerge.Core.Evaluation;
using GenMerge.Core.Metrics;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;
using static TorchSharp.torch;

namespace GenMerge.Pipeline.Activities;

/// <summary>
/// ResNet18 features of held-out samples of one source, which snapshot selection scores the merged
/// model's class against, and the source's own FID-R18 against them. Deterministic by the request's
/// seed, so a retry writes the same file.
/// </summary>
public sealed class SelectionReferenceActivity(IArtifactStore store) : TorchActivity<SelectionReferenceTask, SelectionReference>
{
    protected override async Task<SelectionReference> RunOnTorchThreadAsync(TaskActivityContext context, SelectionReferenceTask task)
    {
        var run = new RunArtifacts(store, task.RunId);
        var cls = SourceClasses.Of(task.Sources)[task.Class];
        var src = task.Sources[cls.Source];
        using var source = await ModelArtifacts.LoadAsync(store, src.Artifact);
        using var ev = new Evaluator();
        var (features, floor) = SnapshotSelection.Reference(ev, source.GEma, task.Class, task.Request.Settings.EvalSamples, task.Request.Settings.Seed,
                                                            cls.SourceClass);
        using (features)
        {
            var name = run.At($"select/{cls.Name}.safetensors");
            await run.WriteAsync(name, (s, _) =>
            {
                SafeTensors.Write(s, new Dictionary<string, Tensor> { ["reference"] = features },
                    new Dictionary<string, string> { ["floor"] = floor.ToString("R", System.Globalization.CultureInfo.InvariantCulture) });
                return Task.CompletedTask;
            });
            return new SelectionReference(task.Class, name, floor);
        }
    }
}
