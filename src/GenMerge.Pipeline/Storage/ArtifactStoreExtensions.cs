using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenMerge.Pipeline.Storage;

/// <summary>Text, JSON and file helpers on top of the streaming store operations.</summary>
public static class ArtifactStoreExtensions
{
    /// <summary>JSON settings used when none are given: camelCase, indented, enums as strings.</summary>
    public static readonly JsonSerializerOptions DefaultJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static Task<ArtifactInfo> WriteTextAsync(this IArtifactStore store, string name, string text, CancellationToken cancellationToken = default) =>
        store.WriteAsync(name, async (s, ct) =>
        {
            await using var w = new StreamWriter(s, Utf8NoBom, bufferSize: 1 << 14, leaveOpen: true);
            await w.WriteAsync(text.AsMemory(), ct);
        }, cancellationToken);

    public static async Task<string> ReadTextAsync(this IArtifactStore store, string name, CancellationToken cancellationToken = default)
    {
        await using Stream s = await store.OpenReadAsync(name, cancellationToken);
        using var r = new StreamReader(s, Encoding.UTF8);
        return await r.ReadToEndAsync(cancellationToken);
    }

    public static Task<ArtifactInfo> WriteJsonAsync<T>(this IArtifactStore store, string name, T value, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default) =>
        store.WriteAsync(name, (s, ct) => JsonSerializer.SerializeAsync(s, value, options ?? DefaultJson, ct), cancellationToken);

    /// <summary>Reads and deserializes a JSON artifact; a malformed or null document gets an error naming the artifact.</summary>
    public static async Task<T> ReadJsonAsync<T>(this IArtifactStore store, string name, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        await using Stream s = await store.OpenReadAsync(name, cancellationToken);
        T? value;
        try
        {
            value = await JsonSerializer.DeserializeAsync<T>(s, options ?? DefaultJson, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Artifact '{name}' ({store.Locate(name)}) is not valid JSON for {typeof(T).Name}: {e.Message}", e);
        }
        return value ?? throw new InvalidDataException($"Artifact '{name}' ({store.Locate(name)}) holds JSON null, expected {typeof(T).Name}.");
    }

    /// <summary>Uploads a local file (e.g. a checkpoint TorchSharp just saved) as an artifact.</summary>
    public static async Task<ArtifactInfo> UploadFileAsync(this IArtifactStore store, string name, string filePath, CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await store.WriteAsync(name, file, cancellationToken);
    }

    /// <summary>Copies an artifact to a local file (for code that loads from paths), via a temp file and rename.</summary>
    public static async Task DownloadToFileAsync(this IArtifactStore store, string name, string filePath, CancellationToken cancellationToken = default)
    {
        string full = Path.GetFullPath(filePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + $".{Guid.NewGuid():N}.part";
        try
        {
            await using (Stream source = await store.OpenReadAsync(name, cancellationToken))
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                await source.CopyToAsync(file, 1 << 16, cancellationToken);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }
}
