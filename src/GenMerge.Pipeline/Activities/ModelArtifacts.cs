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
        return Checkpoint.Load(await Seekable(s, ct), Device.Default);
    }

    public static Task<ArtifactInfo> SaveAsync(RunArtifacts run, string name, GanModel model, CancellationToken ct = default) =>
        run.WriteAsync(name, (s, _) => { Checkpoint.Save(model, s); return Task.CompletedTask; }, ct);

    /// <summary>Blob downloads are forward-only; the safetensors reader needs to seek to the data.</summary>
    public static async Task<Stream> Seekable(Stream s, CancellationToken ct)
    {
        if (s.CanSeek) return s;
        var tmp = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16,
                                 FileOptions.DeleteOnClose);
        await s.CopyToAsync(tmp, ct);
        tmp.Position = 0;
        return tmp;
    }
}
