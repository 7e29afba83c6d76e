using System.IO.Pipelines;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using GenMerge.Pipeline.Telemetry;

namespace GenMerge.Pipeline.Storage;

/// <summary>
/// Artifacts as block blobs in one container (names map 1:1 to blob names, so a run's artifacts sit
/// under the 'runs/{runId}/' prefix: one container serves every run and one RBAC assignment covers it).
/// Uploads stream in blocks and commit only when the content is complete, so readers never see
/// a partial artifact and a failed writer leaves the earlier version in place.
/// </summary>
public sealed class BlobArtifactStore : IArtifactStore
{
    /// <summary>Container used when none is given.</summary>
    public const string DefaultContainerName = "genmerge";

    static readonly StorageTransferOptions Transfer = new()
    {
        InitialTransferSize = 8 << 20,
        MaximumTransferSize = 8 << 20,
        MaximumConcurrency = 4,
    };

    readonly BlobContainerClient container;
    readonly object ensureGate = new();
    Task? ensureContainer;

    public BlobArtifactStore(BlobContainerClient container)
    {
        this.container = container ?? throw new ArgumentNullException(nameof(container));
    }

    /// <summary>From a storage connection string (e.g. "UseDevelopmentStorage=true" for Azurite).</summary>
    public static BlobArtifactStore FromConnectionString(string connectionString, string containerName = DefaultContainerName, BlobClientOptions? options = null)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new ArgumentException("The storage connection string is empty.", nameof(connectionString));
        ValidateContainerName(containerName);
        var service = new BlobServiceClient(connectionString, options ?? new BlobClientOptions());
        return new BlobArtifactStore(service.GetBlobContainerClient(containerName));
    }

    /// <summary>
    /// From an account URI (https://account.blob.core.windows.net) or a container URI
    /// (https://account.blob.core.windows.net/container) with a token credential,
    /// <see cref="DefaultAzureCredential"/> when none is given.
    /// </summary>
    public static BlobArtifactStore FromUri(Uri uri, TokenCredential? credential = null, string containerName = DefaultContainerName, BlobClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"Storage URI '{uri}' must use https (bearer tokens are refused over http).", nameof(uri));
        string path = uri.AbsolutePath.Trim('/');
        if (path.Contains('/'))
            throw new ArgumentException($"Storage URI '{uri}' must name an account or an account/container, not '{path}'.", nameof(uri));
        if (path.Length > 0) containerName = path;
        ValidateContainerName(containerName);
        var account = new Uri(uri.GetLeftPart(UriPartial.Authority));
        var service = new BlobServiceClient(account, credential ?? new DefaultAzureCredential(), options ?? new BlobClientOptions());
        return new BlobArtifactStore(service.GetBlobContainerClient(containerName));
    }

    public BlobContainerClient Container => container;

    public string Description => $"blob container {container.Uri}";

    public string Locate(string name) => Blob(name).Uri.ToString();

    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobClient blob = Blob(name);
        try
        {
            // allowModifications: false pins the ETag, so a concurrent overwrite makes this read fail loudly
            // instead of silently mixing two versions.
            return new MeteredReadStream(await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = 4 << 20 }, cancellationToken));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new ArtifactNotFoundException(name, blob.Uri.ToString(), e);
        }
    }

    public async Task<ArtifactInfo> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        // Funnel through the writer path so the hash is taken once, on the bytes as they are produced.
        return await WriteAsync(name, (s, ct) => content.CopyToAsync(s, 1 << 16, ct), cancellationToken);
    }

    public async Task<ArtifactInfo> WriteAsync(string name, Func<Stream, CancellationToken, Task> writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        BlobClient blob = Blob(name);
        await EnsureContainerAsync(cancellationToken);

        // The writer pushes into a pipe; the SDK pulls from the other end and stages blocks as they fill.
        // The block list is committed only when the pipe completes normally, so a failing writer
        // (pipe completed with its exception) makes the upload fail without touching the blob.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 16 << 20, resumeWriterThreshold: 8 << 20, useSynchronizationContext: false));
        using var uploadCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // On the thread pool: the writer may block on a full pipe on a single-threaded context (the
        // torch thread), so the reader must not need that context to make progress.
        Task upload = Task.Run(() => UploadFromPipeAsync(blob, pipe.Reader, uploadCancel.Token));

        long size;
        string sha;
        try
        {
            await using (Stream pipeStream = pipe.Writer.AsStream(leaveOpen: true))
            using (var hashing = new HashingWriteStream(pipeStream))
            {
                // If the upload dies first (auth, network), it completes the pipe's reader: the writer's
                // remaining writes then return at once instead of blocking on a full pipe.
                await writer(hashing, cancellationToken);
                await hashing.FlushAsync(cancellationToken);
                size = hashing.BytesWritten;
                sha = hashing.FinishHash();
            }
            await pipe.Writer.CompleteAsync();
        }
        catch (Exception e)
        {
            await pipe.Writer.CompleteAsync(e);
            uploadCancel.Cancel();
            try { await upload; } catch { /* the writer's exception is the one to report */ }
            throw;
        }
        await upload;
        GenMergeTelemetry.RecordBytes(write: true, size);
        return new ArtifactInfo(name, size, sha);
    }

    static async Task UploadFromPipeAsync(BlobClient blob, PipeReader reader, CancellationToken cancellationToken)
    {
        try
        {
            await using Stream source = reader.AsStream(leaveOpen: true);
            // No conditions: the upload replaces any existing blob of this name (overwrite).
            await blob.UploadAsync(source, new BlobUploadOptions { TransferOptions = Transfer }, cancellationToken);
            await reader.CompleteAsync();
        }
        catch (Exception e)
        {
            // Completing the reader unblocks a writer waiting on a full pipe (its flushes then end).
            await reader.CompleteAsync(e);
            throw;
        }
    }

    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobClient blob = Blob(name);
        try
        {
            return (await blob.ExistsAsync(cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobClient blob = Blob(name);
        try
        {
            return (await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(string prefix = "", CancellationToken cancellationToken = default)
    {
        prefix = ArtifactNames.ValidatePrefix(prefix);
        var names = new List<string>();
        try
        {
            await foreach (BlobItem item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix }, cancellationToken))
                names.Add(item.Name);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No container yet: nothing has been written.
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    BlobClient Blob(string name) => container.GetBlobClient(ArtifactNames.Validate(name));

    Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        lock (ensureGate)
        {
            if (ensureContainer is null || ensureContainer.IsFaulted || ensureContainer.IsCanceled)
                ensureContainer = CreateContainerAsync(cancellationToken);
            return ensureContainer;
        }
    }

    async Task CreateContainerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e)
        {
            throw new InvalidOperationException(
                $"Could not create or open blob container {container.Uri}: {e.Status} {e.ErrorCode}. " +
                "Check the storage connection string or the identity's 'Storage Blob Data Contributor' role.", e);
        }
    }

    static void ValidateContainerName(string name)
    {
        // Azure rules: 3-63 chars, lowercase letters, digits and single hyphens, starting and ending alphanumeric.
        bool ok = name is { Length: >= 3 and <= 63 }
            && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')
            && char.IsLetterOrDigit(name[0]) && char.IsLetterOrDigit(name[^1])
            && !name.Contains("--");
        if (!ok)
            throw new ArgumentException(
                $"Blob container name '{name}' is invalid: use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.",
                nameof(name));
    }
}
