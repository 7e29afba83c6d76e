using System.Text.Json;
using System.Text.Json.Serialization;
using GenMerge.Core.Merging;

namespace GenMerge.Pipeline.Requests;

/// <summary>
/// Reads and writes a <see cref="MergeRequest"/> as one flat object: "models", then the fields of
/// <see cref="MergeSettings"/> (which own their names and defaults), then the read-only "ClassNames"
/// every request.json has held (ignored when read). The schema users post stays flat although the
/// request nests its settings. Its own options, whoever serializes (HTTP, store, Durable inputs),
/// so a request reads the same everywhere; settings fields it does not know are refused.
/// </summary>
public sealed class MergeRequestJsonConverter : JsonConverter<MergeRequest>
{
    const string ModelsField = "models", ClassNamesField = "ClassNames";

    static readonly JsonSerializerOptions Inner = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public override MergeRequest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new JsonException($"a merge request is a JSON object, not {doc.RootElement.ValueKind}");
        IReadOnlyList<ModelRef?>? models = null;
        var settings = new MemoryStream();
        using (var w = new Utf8JsonWriter(settings))
        {
            w.WriteStartObject();
            foreach (var field in doc.RootElement.EnumerateObject())
            {
                if (field.NameEquals(ModelsField)) models = field.Value.Deserialize<List<ModelRef?>>(Inner);
                else if (!field.NameEquals(ClassNamesField)) field.WriteTo(w);
            }
            w.WriteEndObject();
        }
        return new MergeRequest
        {
            Models = models!,
            Settings = JsonSerializer.Deserialize<MergeSettings>(settings.ToArray(), Inner)!,
        };
    }

    public override void Write(Utf8JsonWriter writer, MergeRequest value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        if (value.Models is not null)
        {
            writer.WritePropertyName(ModelsField);
            JsonSerializer.Serialize(writer, value.Models, Inner);
        }
        foreach (var field in JsonSerializer.SerializeToElement(value.Settings, Inner).EnumerateObject()) field.WriteTo(writer);
        if (value.Models is not null)
        {
            writer.WritePropertyName(ClassNamesField);
            JsonSerializer.Serialize(writer, value.ClassNames, Inner);
        }
        writer.WriteEndObject();
    }
}
