namespace GenMerge.Core.Merging;

/// <summary>Where a merge's training jobs get their synthetic data (the request's <c>data</c>).</summary>
public static class DataModes
{
    /// <summary>A fixed pool per class, sampled once by the shards fan-out and stored as uint8 shards with their latents.</summary>
    public const string Shards = "shards";
    /// <summary>Each training segment loads the sources it needs and samples them at every step (as GAN Cocktail's own
    /// code does): no sample repeats, and no shards are written.</summary>
    public const string Live = "live";

    public static readonly IReadOnlyList<string> All = new[] { Shards, Live };

    public static void Validate(string mode)
    {
        if (!All.Contains(mode)) throw new ArgumentException($"data: '{mode}' is not one of {string.Join(", ", All)}");
    }
}
