using Azure.Storage.Blobs;

namespace GenMerge.Pipeline.Storage;

/// <summary>Picks the artifact store from one configuration string.</summary>
public static class ArtifactStores
{
    /// <summary>
    /// <list type="bullet">
    /// <item>null or blank: a <see cref="LocalFolderStore"/> at <paramref name="localRoot"/>;</item>
    /// <item>a connection string ("UseDevelopmentStorage=true", or one with AccountName= or BlobEndpoint=): a <see cref="BlobArtifactStore"/> in <paramref name="containerName"/>;</item>
    /// <item>an https URI (account, or account/container): a <see cref="BlobArtifactStore"/> with DefaultAzureCredential;</item>
    /// <item>a rooted path or file:// URI: a <see cref="LocalFolderStore"/> there.</item>
    /// </list>
    /// Anything else is rejected with a message that says what was expected.
    /// </summary>
    public static IArtifactStore FromSetting(string? storage, string localRoot, string containerName = BlobArtifactStore.DefaultContainerName, BlobClientOptions? blobOptions = null)
    {
        if (string.IsNullOrWhiteSpace(storage))
            return new LocalFolderStore(localRoot);
        string s = storage.Trim();
        if (IsConnectionString(s))
            return BlobArtifactStore.FromConnectionString(s, containerName, blobOptions);
        if (Uri.TryCreate(s, UriKind.Absolute, out Uri? uri))
        {
            if (uri.Scheme == Uri.UriSchemeHttps)
                return BlobArtifactStore.FromUri(uri, credential: null, containerName, blobOptions);
            if (uri.IsFile)
                return new LocalFolderStore(uri.LocalPath);
        }
        if (Path.IsPathRooted(s))
            return new LocalFolderStore(s);
        throw new ArgumentException(
            $"Artifact storage setting '{Redact(s)}' is not understood. Expected nothing (local folder '{localRoot}'), " +
            "a storage connection string (e.g. 'UseDevelopmentStorage=true' or 'DefaultEndpointsProtocol=https;AccountName=...'), " +
            "an https account or container URI (DefaultAzureCredential), or an absolute folder path.",
            nameof(storage));
    }

    public static bool IsConnectionString(string s) =>
        s.Contains("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase)
        || s.Contains("AccountName=", StringComparison.OrdinalIgnoreCase)
        || s.Contains("BlobEndpoint=", StringComparison.OrdinalIgnoreCase);

    // Never echo secrets back in an error message.
    static string Redact(string s) => s.Contains('=') || s.Contains(';') ? s[..Math.Min(12, s.Length)] + "..." : s;
}
