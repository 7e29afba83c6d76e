using System.Text.Json;
using GenMerge.Core.Models;

namespace GenMerge.Core.Checkpoints;

/// <summary>The safetensors <c>__metadata__</c> entries of a GenMerge checkpoint, to and from a model.</summary>
public static class CheckpointMetadata
{
    public const string Format = "genmerge/1";
    public const string FormatKey = "format", ConfigKey = "config", ClassNamesKey = "class_names", ProvenanceKey = "provenance";

    public static Dictionary<string, string> Build(GanModel model) => new()
    {
        [FormatKey] = Format,
        [ConfigKey] = JsonSerializer.Serialize(model.Config),
        [ClassNamesKey] = JsonSerializer.Serialize(model.ClassNames),
        [ProvenanceKey] = JsonSerializer.Serialize(model.Provenance),
    };

    /// <summary>Checks format and parses config (required), class names and provenance (optional).</summary>
    public static (ModelConfig Config, IReadOnlyList<string> ClassNames, Provenance Provenance) Parse(
        IReadOnlyDictionary<string, string> metadata, string source)
    {
        if (!metadata.TryGetValue(FormatKey, out var format))
            throw new CheckpointException(source, $"missing '{FormatKey}' metadata: not a GenMerge checkpoint (expected format '{Format}')");
        if (format != Format)
            throw new CheckpointException(source, $"unsupported checkpoint format '{format}' (expected '{Format}')");
        if (!metadata.TryGetValue(ConfigKey, out var configJson))
            throw new CheckpointException(source, $"missing '{ConfigKey}' metadata (the model architecture)");

        var config = Deserialize<ModelConfig>(configJson, ConfigKey, source);
        try { config.Validate(); }
        catch (ArgumentException ex) { throw new CheckpointException(source, $"invalid '{ConfigKey}' metadata: {ex.Message}", ex); }

        IReadOnlyList<string> classNames = metadata.TryGetValue(ClassNamesKey, out var namesJson)
            ? Deserialize<string[]>(namesJson, ClassNamesKey, source) : Array.Empty<string>();
        if (classNames.Any(n => n is null))
            throw new CheckpointException(source, $"'{ClassNamesKey}' metadata holds a null name");
        if (config.CDim > 0 && classNames.Count != 0 && classNames.Count != config.CDim)
            throw new CheckpointException(source, $"'{ClassNamesKey}' metadata has {classNames.Count} names for c_dim {config.CDim}");
        var provenance = metadata.TryGetValue(ProvenanceKey, out var provJson)
            ? Deserialize<Provenance>(provJson, ProvenanceKey, source) : new Provenance();
        return (config, classNames, provenance);
    }

    private static T Deserialize<T>(string json, string key, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json)
                ?? throw new CheckpointException(source, $"'{key}' metadata is JSON null");
        }
        catch (JsonException ex) { throw new CheckpointException(source, $"'{key}' metadata is not valid JSON for its type ({ex.Message})", ex); }
    }
}
