using GenMerge.Core;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Models;
using GenMerge.Pipeline.Storage;

namespace GenMerge.Pipeline.Activities;

/// <summary>Checkpoints and shards in the artifact store, streamed in and out.</summary>
public static class ModelArtifacts
{
    public static async Task<GanModel> LoadAsync(IArtifactStore store, string name, CancellationToken ct = default)
    {
        await using var s = await store.OpenReadAsync(name, ct);
        return Checkpoint.Load(s, Device.Default, source: name);
    }

    public static Task<ArtifactInfo> SaveAsync(RunArtifacts run, string name, GanModel model, CancellationToken ct = default) =>
        run.WriteAsync(name, (s, _) => { Checkpoint.Save(model, s); return Task.CompletedTask; }, ct);

}
