using GenMerge.Pipeline.Storage;

namespace GenMerge.Server;

/// <summary>
/// The artifact store with its models/ prefix served from a folder (`serve --models DIR`): requests
/// name DIR's checkpoints as models/&lt;file&gt;, uploads land in DIR, everything else goes to the store.
/// </summary>
public sealed class ModelsFolderStore(IArtifactStore inner, string modelsDir) : IArtifactStore
{
    public const string Prefix = "models/";
    readonly LocalFolderStore models = new(modelsDir);

    public string Description => $"{inner.Description} (models/ from {Path.GetFullPath(modelsDir)})";

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default) =>
        Route(name, out var local) is { } s ? s.OpenReadAsync(local, cancellationToken) : inner.OpenReadAsync(name, cancellationToken);

    public async Task<ArtifactInfo> WriteAsync(string name, Func<Stream, CancellationToken, Task> writer, CancellationToken cancellationToken = default) =>
        Route(name, out var local) is { } s ? Renamed(await s.WriteAsync(local, writer, cancellationToken), name) : await inner.WriteAsync(name, writer, cancellationToken);

    public async Task<ArtifactInfo> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default) =>
        Route(name, out var local) is { } s ? Renamed(await s.WriteAsync(local, content, cancellationToken), name) : await inner.WriteAsync(name, content, cancellationToken);

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        Route(name, out var local) is { } s ? s.ExistsAsync(local, cancellationToken) : inner.ExistsAsync(name, cancellationToken);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        Route(name, out var local) is { } s ? s.DeleteAsync(local, cancellationToken) : inner.DeleteAsync(name, cancellationToken);

    public async Task<IReadOnlyList<string>> ListAsync(string prefix = "", CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        if (!prefix.StartsWith(Prefix, StringComparison.Ordinal))
            names.AddRange((await inner.ListAsync(prefix, cancellationToken)).Where(n => !n.StartsWith(Prefix, StringComparison.Ordinal)));
        if (prefix.StartsWith(Prefix, StringComparison.Ordinal) || Prefix.StartsWith(prefix, StringComparison.Ordinal))
        {
            string local = prefix.Length > Prefix.Length ? prefix[Prefix.Length..] : "";
            names.AddRange((await models.ListAsync(local, cancellationToken)).Select(n => Prefix + n));
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public string Locate(string name) => Route(name, out var local) is { } s ? s.Locate(local) : inner.Locate(name);

    LocalFolderStore? Route(string name, out string local)
    {
        bool mine = name.StartsWith(Prefix, StringComparison.Ordinal);
        local = mine ? name[Prefix.Length..] : name;
        return mine ? models : null;
    }

    static ArtifactInfo Renamed(ArtifactInfo info, string name) => info with { Name = name };
}
