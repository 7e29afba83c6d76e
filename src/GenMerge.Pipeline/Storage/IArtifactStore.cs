namespace GenMerge.Pipeline.Storage;

/// <summary>
/// Where a pipeline keeps its tensors, checkpoints, reports and images. Everything streams: nothing
/// here copies a whole artifact into a byte array. Names follow <see cref="ArtifactNames"/>.
/// A write replaces any earlier artifact of that name as a whole, so a retried activity can simply
/// write its output again; readers never see a half-written artifact.
/// </summary>
public interface IArtifactStore
{
    /// <summary>A human-readable description of where artifacts go (folder path or container URI).</summary>
    string Description { get; }

    /// <summary>Opens an artifact for reading. Throws <see cref="ArtifactNotFoundException"/> when it does not exist.</summary>
    Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes an artifact by letting <paramref name="writer"/> write into a stream (which is not seekable).
    /// If the writer throws, nothing is stored and any earlier artifact of that name stays as it was.
    /// </summary>
    Task<ArtifactInfo> WriteAsync(string name, Func<Stream, CancellationToken, Task> writer, CancellationToken cancellationToken = default);

    /// <summary>Writes an artifact from <paramref name="content"/>, read from its current position to its end.</summary>
    Task<ArtifactInfo> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes an artifact; returns false when there was none.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Names of all artifacts starting with <paramref name="prefix"/> (plain string prefix), sorted ordinally.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix = "", CancellationToken cancellationToken = default);

    /// <summary>Where the artifact lives, for printing: an absolute file path or a blob URI (no credentials).</summary>
    string Locate(string name);
}
