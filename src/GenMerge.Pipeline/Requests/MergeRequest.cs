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
/// CLI. Field names are snake_case; unknown fields are refused.
/// </summary>
public sealed record MergeRequest
{
    [JsonPropertyName("models")] public IReadOnlyList<ModelRef>? Models { get; init; }
    [JsonPropertyName("root")] public int Root { get; init; }
    [JsonPropertyName("method")] public string Method { get; init; } = MergeMethod.Cocktail;
    [JsonPropertyName("rooting_steps")] public int RootingSteps { get; init; } = 600;
    [JsonPropertyName("merge_steps")] public int MergeSteps { get; init; } = 600;
    [JsonPropertyName("segment_steps")] public int SegmentSteps { get; init; } = 200;
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 32;
    [JsonPropertyName("lr")] public double Lr { get; init; } = 0.002;
    /// <summary>Learning rate of the rooting jobs (null: <see cref="Lr"/>).</summary>
    [JsonPropertyName("rooting_lr")] public double? RootingLr { get; init; }
    /// <summary>Learning rate the merge fine-tuning ends at, by a cosine from <see cref="Lr"/> (null: constant).</summary>
    [JsonPropertyName("final_lr")] public double? FinalLr { get; init; }
    /// <summary>Freeze-D: D's first blocks (nearest the image) kept fixed while fine-tuning (0: none).</summary>
    [JsonPropertyName("freeze_d")] public int FreezeD { get; init; }
    /// <summary>Augmentation of what D sees: "noaug", "ada" (adaptive p) or "fixed" (p = <see cref="AugP"/>).</summary>
    [JsonPropertyName("aug")] public string Aug { get; init; } = Core.Training.AugmentModes.NoAug;
    /// <summary>The fixed augmentation probability, or where "ada" starts.</summary>
    [JsonPropertyName("aug_p")] public double AugP { get; init; }
    /// <summary>"ada"'s target for r_t = E[sign(D(real))].</summary>
    [JsonPropertyName("aug_target")] public double AugTarget { get; init; } = Core.Training.AugmentModes.DefaultTarget;
    /// <summary>Which transforms augmentation draws from: "blit" (flips, quarter turns, shifts) or "bgc" (+ geometric and colour).</summary>
    [JsonPropertyName("aug_pipe")] public string AugPipe { get; init; } = Core.Training.AugmentPipes.Blit;
    [JsonPropertyName("gamma")] public double? Gamma { get; init; }
    [JsonPropertyName("seed")] public long Seed { get; init; } = 1;
    [JsonPropertyName("samples_per_model")] public int SamplesPerModel { get; init; } = 4096;
    [JsonPropertyName("shard_size")] public int ShardSize { get; init; } = 1024;
    [JsonPropertyName("eval_samples")] public int EvalSamples { get; init; } = 500;
    /// <summary>Fine-tuning checkpoint to publish: "last", or "best" by FID-R18 against held-out source samples.</summary>
    [JsonPropertyName("select")] public string Select { get; init; } = Core.Evaluation.SnapshotSelection.Last;

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public MergeSettings ToSettings() => new()
    {
        Method = Method, Root = Root, RootingSteps = RootingSteps, MergeSteps = MergeSteps, SegmentSteps = SegmentSteps,
        BatchSize = BatchSize, Lr = Lr, RootingLr = RootingLr, FinalLr = FinalLr, FreezeD = FreezeD, Augment = Aug, AugmentP = AugP, AugmentTarget = AugTarget, AugmentPipe = AugPipe, Gamma = Gamma, Seed = Seed, SamplesPerModel = SamplesPerModel,
        ShardSize = ShardSize, EvalSamples = EvalSamples, Select = Select,
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
        try { ToSettings().Validate(Models.Count); }
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
