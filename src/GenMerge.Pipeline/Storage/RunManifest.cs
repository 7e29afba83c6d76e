namespace GenMerge.Pipeline.Storage;

/// <summary>Every artifact of one run with its size and SHA-256, sorted by name.</summary>
public sealed record RunManifest(string RunId, DateTimeOffset AssembledUtc, IReadOnlyList<RunManifestEntry> Artifacts)
{
    public RunManifestEntry? Find(string name) => Artifacts.FirstOrDefault(a => a.Name == name);
}

/// <summary>One artifact in a run manifest. <see cref="WrittenUtc"/> is when the recorded content was written.</summary>
public sealed record RunManifestEntry(string Name, long Size, string Sha256, DateTimeOffset WrittenUtc);
