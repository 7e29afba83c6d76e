using GenMerge.Core.Merging;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Activities;

/// <summary>Samples one shard of one source model. Idempotent: a shard already written is reused.</summary>
public sealed class GenerateShardActivity(IArtifactStore store) : TorchActivity<ShardTask, string>
{
    protected override async Task<string> RunOnTorchThreadAsync(TaskActivityContext context, ShardTask task)
    {
        var run = new RunArtifacts(store, task.RunId);
        var name = task.Request.Models![task.Model].Name!;
        var artifact = run.Shard(name, task.Shard);
        if (await store.ExistsAsync(artifact)) return artifact;
        var settings = task.Request.Settings;
        using var model = await ModelArtifacts.LoadAsync(store, task.ModelArtifact);
        await run.WriteAsync(artifact, (s, _) =>
        {
            SyntheticShards.Write(model, task.Model, task.Shard, settings.ShardCount(task.Shard), settings.Seed, s);
            return Task.CompletedTask;
        });
        return artifact;
    }
}
