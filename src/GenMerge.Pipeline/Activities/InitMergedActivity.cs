using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Activities;

/// <summary>Fan-in: averages (or TIES-merges) the rooted models and makes the result conditional.</summary>
public sealed class InitMergedActivity(IArtifactStore store) : TorchActivity<InitTask, InitResult>
{
    protected override async Task<InitResult> RunOnTorchThreadAsync(TaskActivityContext context, InitTask task)
    {
        var run = new RunArtifacts(store, task.RunId);
        var artifact = run.MergedInit;
        var req = task.Request;
        var sources = new List<GanModel>();
        var rooted = new List<GanModel>();
        try
        {
            foreach (var s in task.Sources) sources.Add(await ModelArtifacts.LoadAsync(store, s.Artifact));
            if (MergeMethod.UsesRooting(req.Settings.Method))
                foreach (var r in task.Rooted) rooted.Add(await ModelArtifacts.LoadAsync(store, r));
            using var merged = MergeInit.Build(req.Settings.Method, sources, MergeMethod.UsesRooting(req.Settings.Method) ? rooted : null,
                req.Settings.Root, SourceClasses.Of(task.Sources), req.Settings.Seed, task.Sources.Select(s => s.Sha256).ToList());
            await ModelArtifacts.SaveAsync(run, artifact, merged);
            var (g, d) = Conditioning.ParameterCounts(merged);
            return new InitResult(artifact, g, d);
        }
        finally
        {
            foreach (var m in sources.Concat(rooted)) m.Dispose();
        }
    }
}
