using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using GenMerge.Pipeline.Telemetry;
using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Activities;

public sealed record PublishTask(string RunId, string From);

/// <summary>Copies the last fine-tuning checkpoint to the run's merged.safetensors.</summary>
public sealed class PublishMergedActivity(IArtifactStore store) : TaskActivity<PublishTask, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, PublishTask task)
    {
        // Not a TorchActivity (no torch work), so it opens its telemetry scope itself.
        using var scope = StageScope.Start(task);
        var run = new RunArtifacts(store, task.RunId);
        await using var s = await store.OpenReadAsync(task.From);
        await run.WriteAsync(run.Merged, s);
        return run.Merged;
    }
}
