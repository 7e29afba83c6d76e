namespace GenMerge.Pipeline.Storage;

/// <summary>What a write produced: the artifact's name, its length in bytes and the lowercase hex SHA-256 of its content.</summary>
public sealed record ArtifactInfo(string Name, long Size, string Sha256);
