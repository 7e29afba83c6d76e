using GenMerge.Pipeline.Storage;

namespace GenMerge.Functions.Tests.Support;

/// <summary>A LocalFolderStore in a fresh temp folder, removed on dispose.</summary>
public sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Root = Path.Combine(Path.GetTempPath(), "genmerge-fn-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Root);
        Store = new LocalFolderStore(Root);
    }

    public string Root { get; }
    public LocalFolderStore Store { get; }

    /// <summary>Stands in for an uploaded checkpoint: the starters only check that it exists.</summary>
    public Task AddModelAsync(string name) => Store.WriteTextAsync(name, "not a real checkpoint");

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
