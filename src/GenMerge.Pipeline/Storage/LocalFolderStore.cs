using GenMerge.Pipeline.Telemetry;

namespace GenMerge.Pipeline.Storage;

/// <summary>
/// Artifacts as files under one root folder ('/' in names becomes the directory separator).
/// Each write goes to a temp file in the target's directory and is then renamed over the target,
/// so a reader sees the old or the new artifact, never a torn one, and a retried activity
/// overwrites its own output cleanly.
/// </summary>
public sealed class LocalFolderStore : IArtifactStore
{
    const string TempPrefix = ".tmp-";
    const int BufferSize = 1 << 16;

    public LocalFolderStore(string rootDirectory)
    {
        if (string.IsNullOrWhiteSpace(rootDirectory))
            throw new ArgumentException("The local artifact folder path is empty.", nameof(rootDirectory));
        Root = Path.GetFullPath(rootDirectory);
        Directory.CreateDirectory(Root);
    }

    /// <summary>Absolute path of the root folder.</summary>
    public string Root { get; }

    public string Description => $"folder {Root}";

    /// <summary>The absolute file path of an artifact.</summary>
    public string Locate(string name) =>
        Path.Combine(Root, ArtifactNames.Validate(name).Replace('/', Path.DirectorySeparatorChar));

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        string path = Locate(name);
        try
        {
            // FileShare.Delete lets a concurrent writer rename a new version over this one while we read.
            Stream s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult<Stream>(new MeteredReadStream(s));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ArtifactNotFoundException(name, path, e);
        }
    }

    public async Task<ArtifactInfo> WriteAsync(string name, Func<Stream, CancellationToken, Task> writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        string path = Locate(name);
        string dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $"{TempPrefix}{Path.GetFileName(path)}-{Guid.NewGuid():N}");
        try
        {
            long size;
            string sha;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None,
                             BufferSize, FileOptions.Asynchronous))
            {
                using var hashing = new HashingWriteStream(file);
                await writer(hashing, cancellationToken);
                await hashing.FlushAsync(cancellationToken);
                size = hashing.BytesWritten;
                sha = hashing.FinishHash();
                // Durable before the rename makes it visible.
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            GenMergeTelemetry.RecordBytes(write: true, size);
            return new ArtifactInfo(name, size, sha);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public Task<ArtifactInfo> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return WriteAsync(name, (s, ct) => content.CopyToAsync(s, BufferSize, ct), cancellationToken);
    }

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(Locate(name)));

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        string path = Locate(name);
        if (!File.Exists(path)) return Task.FromResult(false);
        File.Delete(path);
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix = "", CancellationToken cancellationToken = default)
    {
        prefix = ArtifactNames.ValidatePrefix(prefix);
        // Walk only the deepest folder the prefix names in full; filter the rest by string prefix.
        int slash = prefix.LastIndexOf('/');
        string startDir = slash < 0 ? Root : Path.Combine(Root, prefix[..slash].Replace('/', Path.DirectorySeparatorChar));
        var names = new List<string>();
        if (Directory.Exists(startDir))
        {
            foreach (string file in Directory.EnumerateFiles(startDir, "*", SearchOption.AllDirectories))
            {
                string rel = Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');
                // Skips in-progress temp files and anything else a name could not be (hidden files).
                if (rel.StartsWith(prefix, StringComparison.Ordinal) && ArtifactNames.IsValid(rel))
                    names.Add(rel);
            }
        }
        names.Sort(StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyList<string>>(names);
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
