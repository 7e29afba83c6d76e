using GenMerge.Core.Checkpoints;
using GenMerge.Core.Evaluation;
using GenMerge.Core.Metrics;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;
using static TorchSharp.torch;

namespace GenMerge.Pipeline.Activities;

/// <summary>FID-R18 and domain accuracy of every class of one fine-tuning checkpoint against held-out samples of its source.</summary>
public sealed class ScoreSnapshotActivity(IArtifactStore store) : TorchActivity<ScoreSnapshotTask, SnapshotScore>
{
    protected override async Task<SnapshotScore> RunOnTorchThreadAsync(TaskActivityContext context, ScoreSnapshotTask task)
    {
        var references = new List<Tensor>();
        try
        {
            foreach (var r in task.References.OrderBy(r => r.Class))
            {
                await using var fs = await store.OpenReadAsync(r.FeaturesArtifact);
                references.Add(SafeTensors.Read(fs, r.FeaturesArtifact).Tensors["reference"]);
            }
            using var candidate = await ModelArtifacts.LoadAsync(store, task.Artifact);
            using var ev = new Evaluator();
            var (fids, accuracy) = SnapshotSelection.Score(ev, candidate.GEma, references, task.Request.Settings.EvalSamples, task.Request.Settings.Seed);
            return new SnapshotScore(task.Artifact, task.Step, fids, accuracy);
        }
        finally
        {
            foreach (var t in references) t.Dispose();
        }
    }
}
