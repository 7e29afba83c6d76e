using GenMerge.Api.Http;
using GenMerge.Core;
using GenMerge.Core.Checkpoints;
using GenMerge.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GenMerge.Server;

/// <summary>Body of a 201 from PUT /api/models/{name}: the uri a merge request names it by.</summary>
public sealed record ModelUploaded(string Name, string Uri, long Size, string Sha256, string Family, int Resolution);

/// <summary>
/// PUT /api/models/{name}: stores a checkpoint as models/{name}, so a merge can be started with nothing
/// but HTTP. The body goes to a temp file first (size-limited) and must load as a checkpoint; only then
/// is it stored, so a request never names a broken model.
/// </summary>
public static class ModelUploadHandler
{
    public static async Task<JsonBodyResult> PutAsync(HttpContext context, string name, IArtifactStore store, long maxBytes, ILogger log, CancellationToken cancellationToken)
    {
        if (!IsSegment(name) || !name.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            return JsonBodyResult.Error(StatusCodes.Status400BadRequest, $"name: '{name}' is not a checkpoint file name (expected NAME.safetensors, letters, digits, '.', '_', '-')");
        if (context.Request.ContentLength > maxBytes)
            return TooLarge(maxBytes);

        string temp = Path.Combine(Path.GetTempPath(), $"genmerge-upload-{Guid.NewGuid():N}.safetensors");
        try
        {
            long size = 0;
            await using (var file = File.Create(temp))
            {
                var chunk = new byte[1 << 16];
                int read;
                while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > maxBytes) return TooLarge(maxBytes);
                    await file.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
                }
            }
            if (size == 0)
                return JsonBodyResult.Error(StatusCodes.Status400BadRequest, $"model: the body is empty; PUT the bytes of {name}");

            string family; int resolution;
            try
            {
                // Loaded in full (every tensor) on the libtorch thread, as activities load sources; any failure
                // (header, tensor shapes, config) is the file's fault, so a 400 naming it.
                (family, resolution) = await TorchThread.RunAsync(() =>
                {
                    using var model = Checkpoint.Load(temp);
                    return Task.FromResult((model.Config.Family, model.Config.Resolution));
                });
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return JsonBodyResult.Error(StatusCodes.Status400BadRequest, $"model: '{name}' is not a loadable checkpoint: {e.Message}");
            }

            string uri = ModelsFolderStore.Prefix + name;
            ArtifactInfo info = await store.UploadFileAsync(uri, temp, cancellationToken);
            log.LogInformation("model {Uri} uploaded ({Bytes} bytes, {Family} {Resolution}px)", uri, info.Size, family, resolution);
            return new JsonBodyResult(StatusCodes.Status201Created, new ModelUploaded(name, uri, info.Size, info.Sha256, family, resolution), uri);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    static JsonBodyResult TooLarge(long maxBytes) =>
        JsonBodyResult.Error(StatusCodes.Status413PayloadTooLarge, $"model: the body is larger than the server's limit of {maxBytes} bytes");

    static bool IsSegment(string name)
    {
        try { ArtifactNames.ValidateSegment(name, "model name"); return true; }
        catch (ArgumentException) { return false; }
    }
}
