using GenMerge.Core.Merging;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Activities;

/// <summary>
/// Class-extended path: the root made conditional with every class of the merge, its own classes at their merged
/// columns; the rooting chains start from it. Seeded by the request, and a file already written is reused.
/// </summary>
public sealed class ConditionRootActivity(IArtifactStore store) : TorchActivity<ConditionRootTask, string>
{
    protected override async Task<string> RunOnTorchThreadAsync(TaskActivityContext context, ConditionRootTask task)
    {
        var run = new RunArtifacts(store, task.RunId);
        int root = task.Request.Settings.Root;
        var artifact = run.At($"conditional/{task.Sources[root].Name}.safetensors");
        if (await store.ExistsAsync(artifact)) return artifact;
        var classes = SourceClasses.Of(task.Sources);
        using var source = await ModelArtifacts.LoadAsync(store, task.Sources[root].Artifact);
        using var conditional = Conditioning.ToConditional(source, classes.Count, classes.Select(c => c.Name).ToList(),
            task.Request.Settings.Seed, MergeClasses.Offset(classes, root));
        await ModelArtifacts.SaveAsync(run, artifact, conditional);
        return artifact;
    }
}
