namespace GenMerge.Pipeline.Storage;

/// <summary>An artifact that was asked for is not in the store.</summary>
public sealed class ArtifactNotFoundException : FileNotFoundException
{
    public ArtifactNotFoundException(string name, string location, Exception? inner = null)
        : base($"Artifact '{name}' was not found (looked at {location}).", location, inner)
    {
        ArtifactName = name;
    }

    public string ArtifactName { get; }
}
