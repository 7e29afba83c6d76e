using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Activities;

public sealed record PublishTask(string RunId, string From);

/// <summary>
/// Copies the chosen fine-tuning checkpoint to the run's merged.safetensors, after loading it once: a model with
/// NaN, Inf or absurdly large tensors fails the run here (naming the tensor) instead of being published.
/// </summary>
public sealed class PublishMergedActivity(IArtifactStore store) : TorchActivity<PublishTask, string>
{
    protected override async Task<string> RunOnTorchThreadAsync(TaskActivityContext context, PublishTask task)
    {
        var run = new RunArtifacts(store, task.RunId);
        using (await ModelArtifacts.LoadAsync(store, task.From)) { }
        await using var s = await store.OpenReadAsync(task.From);
        await run.WriteAsync(run.Merged, s);
        return run.Merged;
    }
}
