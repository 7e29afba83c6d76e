using GenMerge.Core.Merging;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Activities;

/// <summary>Samples one shard of one merged class from its source model. Idempotent: a shard already written is reused.</summary>
public sealed class GenerateShardActivity(IArtifactStore store) : TorchActivity<ShardTask, string>
{
    protected override async Task<string> RunOnTorchThreadAsync(TaskActivityContext context, ShardTask task)
    {
        var run = new RunArtifacts(store, task.RunId);
        var cls = task.Class ?? new MergeClass(task.Model, task.Request.Models![task.Model].Name!, task.Model, null);
        var artifact = run.Shard(cls.Name, task.Shard);
        if (await store.ExistsAsync(artifact)) return artifact;
        var settings = task.Request.Settings;
        using var model = await ModelArtifacts.LoadAsync(store, task.ModelArtifact);
        await run.WriteAsync(artifact, (s, _) =>
        {
            SyntheticShards.Write(model, cls.Index, task.Shard, task.Count, settings.Seed, s, sourceClass: cls.SourceClass);
            return Task.CompletedTask;
        });
        return artifact;
    }
}
