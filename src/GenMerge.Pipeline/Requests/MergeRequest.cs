using System.Text.Json;
using System.Text.Json.Serialization;
using GenMerge.Core.Merging;

namespace GenMerge.Pipeline.Requests;

/// <summary>One input model of a merge request.</summary>
public sealed record ModelRef
{
    /// <summary>Domain / class name of this model (the merged model's class label).</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }
    /// <summary>Checkpoint: an artifact-store name (e.g. "models/cats.safetensors") or, for the CLI, a local path.</summary>
    [JsonPropertyName("uri")] public string? Uri { get; init; }
    /// <summary>Evaluation reference: "domain:NAME", a folder, or null (held-out samples of this source).</summary>
    [JsonPropertyName("reference")] public string? Reference { get; init; }
}

/// <summary>
/// A merge request as posted over HTTP, uploaded to the merge-requests container, or built by the
/// CLI: the input models plus the <see cref="MergeSettings"/>. Its JSON is flat (models beside the
/// settings' snake_case fields, <see cref="MergeRequestJsonConverter"/>); unknown fields are refused.
/// </summary>
[JsonConverter(typeof(MergeRequestJsonConverter))]
public sealed record MergeRequest
{
    public IReadOnlyList<ModelRef>? Models { get; init; }
    public MergeSettings Settings { get; init; } = MergeSettings.Defaults;

    /// <summary>This request with its settings changed: <c>request.With(s => s with { Lr = 0.001 })</c>.</summary>
    public MergeRequest With(Func<MergeSettings, MergeSettings> change) => this with { Settings = change(Settings) };

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Checks every field without touching any model; throws <see cref="RequestException"/> naming the field.</summary>
    public MergeRequest Validate()
    {
        if (Models is null || Models.Count == 0) throw new RequestException("models: at least 2 models are required");
        for (int i = 0; i < Models.Count; i++)
        {
            var m = Models[i] ?? throw new RequestException($"models[{i}]: null");
            if (string.IsNullOrWhiteSpace(m.Uri)) throw new RequestException($"models[{i}].uri: missing");
            if (string.IsNullOrWhiteSpace(m.Name)) throw new RequestException($"models[{i}].name: missing");
            if (m.Name.Any(c => !(char.IsLetterOrDigit(c) || c is '-' or '_')))
                throw new RequestException($"models[{i}].name: '{m.Name}' may hold only letters, digits, '-' and '_'");
        }
        var dup = Models.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new RequestException($"models: the name '{dup.Key}' is used twice");
        try { Settings.Validate(Models.Count); }
        catch (ArgumentException e) { throw new RequestException(e.Message); }
        return this;
    }

    /// <summary>Parses and validates JSON; every problem is a <see cref="RequestException"/>.</summary>
    public static MergeRequest Parse(string json)
    {
        MergeRequest? r;
        try { r = JsonSerializer.Deserialize<MergeRequest>(json, JsonOptions); }
        catch (JsonException e)
        {
            throw new RequestException($"merge request is not valid JSON for the schema: {e.Message}" +
                                       (e.Path is { } p ? $" (at {p})" : ""));
        }
        return (r ?? throw new RequestException("merge request: empty")).Validate();
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public IReadOnlyList<string> ClassNames => Models!.Select(m => m.Name!).ToList();
}

/// <summary>A merge request that cannot be run; the message names the field.</summary>
public sealed class RequestException(string message) : ArgumentException(message);
