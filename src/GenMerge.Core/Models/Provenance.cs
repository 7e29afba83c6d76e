using System.Text.Json.Serialization;

namespace GenMerge.Core.Models;

/// <summary>Where a checkpoint came from; stored in its metadata.</summary>
public sealed record Provenance
{
    /// <summary>"train", "root", "average", "merge", "convert", ...</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "init";
    [JsonPropertyName("steps")] public long Steps { get; init; }
    [JsonPropertyName("seed")] public long Seed { get; init; }
    /// <summary>Training data: "domain:rings", a folder, "shards:..." etc.</summary>
    [JsonPropertyName("data")] public string? Data { get; init; }
    /// <summary>SHA-256 (hex) of parent checkpoint files.</summary>
    [JsonPropertyName("parents")] public IReadOnlyList<string> Parents { get; init; } = Array.Empty<string>();
    /// <summary>Free-form notes, e.g. root and source of a rooted model.</summary>
    [JsonPropertyName("notes")] public IReadOnlyDictionary<string, string> Notes { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("created_utc")] public string? CreatedUtc { get; init; }
}
