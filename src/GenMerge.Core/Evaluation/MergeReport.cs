using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenMerge.Core.Evaluation;

/// <summary>Per-domain quality of a merged model, next to its source's own level on the same reference.</summary>
public sealed record DomainReport
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("class")] public int Class { get; init; }
    [JsonPropertyName("reference")] public required string Reference { get; init; }
    [JsonPropertyName("fid_r18")] public double FidR18 { get; init; }
    [JsonPropertyName("kid_r18")] public double KidR18 { get; init; }
    /// <summary>Fraction of merged(class) samples the domain classifier assigns to this domain.</summary>
    [JsonPropertyName("accuracy")] public double Accuracy { get; init; }
    /// <summary>The source model's own FID-R18 against the same reference: the level to match.</summary>
    [JsonPropertyName("source_fid_r18")] public double SourceFidR18 { get; init; }
    [JsonPropertyName("source_kid_r18")] public double SourceKidR18 { get; init; }
    [JsonPropertyName("source_accuracy")] public double SourceAccuracy { get; init; }
    [JsonPropertyName("fid_ratio")] public double FidRatio => SourceFidR18 > 0 ? FidR18 / SourceFidR18 : double.NaN;
}

public sealed record ParameterReport
{
    /// <summary>G + D parameters of the merged model.</summary>
    [JsonPropertyName("merged")] public long Merged { get; init; }
    /// <summary>G + D parameters of one source model.</summary>
    [JsonPropertyName("source")] public long Source { get; init; }
    [JsonPropertyName("merged_generator")] public long MergedGenerator { get; init; }
    [JsonPropertyName("source_generator")] public long SourceGenerator { get; init; }
    /// <summary>merged - source: exactly the class embeddings (and their input columns) and D's projection.</summary>
    [JsonPropertyName("added")] public long Added => Merged - Source;
}

/// <summary>report.json of a merge run.</summary>
public sealed record MergeReport
{
    [JsonPropertyName("method")] public required string Method { get; init; }
    [JsonPropertyName("family")] public required string Family { get; init; }
    [JsonPropertyName("resolution")] public int Resolution { get; init; }
    [JsonPropertyName("root")] public required string Root { get; init; }
    [JsonPropertyName("rooting_steps")] public int RootingSteps { get; init; }
    [JsonPropertyName("finetune_steps")] public int FinetuneSteps { get; init; }
    [JsonPropertyName("seed")] public long Seed { get; init; }
    /// <summary>Adam learning rate of the merge fine-tuning (G and D).</summary>
    [JsonPropertyName("lr")] public double Lr { get; init; }
    /// <summary>Learning rate of the rooting steps (absent when the method roots nothing).</summary>
    [JsonPropertyName("rooting_lr")] public double? RootingLr { get; init; }
    /// <summary>Learning rate the fine-tuning ended at by a cosine decay from <see cref="Lr"/> (absent: constant).</summary>
    [JsonPropertyName("final_lr")] public double? FinalLr { get; init; }
    /// <summary>Freeze-D: how many of D's first blocks stayed fixed (absent: all of D trained).</summary>
    [JsonPropertyName("freeze_d")] public int? FreezeD { get; init; }
    /// <summary>Augmentation of what D saw: "ada (target 0.6, from p 0)", "fixed p 0.2" (absent: none, or nothing trained).</summary>
    [JsonPropertyName("aug")] public string? Aug { get; init; }
    /// <summary>The training data: "live" (the sources sampled at every step) or "shards, N per class" (absent: nothing trained).</summary>
    [JsonPropertyName("data")] public string? Data { get; init; }
    /// <summary>Paired distillation: "pixels 1 (l1), D features 0.5 (l1)" (absent: off).</summary>
    [JsonPropertyName("distill")] public string? Distill { get; init; }
    /// <summary>R1 weight actually used (the request's, else the heuristic's).</summary>
    [JsonPropertyName("r1_gamma")] public double R1Gamma { get; init; }
    /// <summary>Half-life of the fine-tuning's G_ema in thousands of images (absent without fine-tuning).</summary>
    [JsonPropertyName("ema_kimg")] public double? EmaKimg { get; init; }
    /// <summary>The EMA ramp-up (half-life at most this share of the images seen): 0 when fine-tuning starts from trained weights.</summary>
    [JsonPropertyName("ema_rampup")] public double? EmaRampup { get; init; }
    [JsonPropertyName("eval_samples")] public int EvalSamples { get; init; }
    [JsonPropertyName("domains")] public required IReadOnlyList<DomainReport> Domains { get; init; }
    [JsonPropertyName("parameters")] public required ParameterReport Parameters { get; init; }
    /// <summary>Wall seconds per stage (shards, rooting, init, finetune, eval).</summary>
    [JsonPropertyName("timings_s")] public required IReadOnlyDictionary<string, double> TimingsS { get; init; }
    /// <summary>Mean per-layer L2 distance of each non-root G to the root's G, before and after rooting.</summary>
    [JsonPropertyName("weight_distance")] public IReadOnlyDictionary<string, WeightDistanceReport>? WeightDistance { get; init; }
    [JsonPropertyName("images")] public IReadOnlyDictionary<string, string>? Images { get; init; }
    /// <summary>Snapshot selection (select = best): which fine-tuning checkpoint was published, and why.</summary>
    [JsonPropertyName("selection")] public SelectionReport? Selection { get; init; }
    /// <summary>Per stage, the ids of the workers that ran its activities (self-hosted runs; null where not recorded).</summary>
    [JsonPropertyName("workers")] public IReadOnlyDictionary<string, IReadOnlyList<string>>? Workers { get; init; }
    /// <summary>Per worker, what it computed on: device, and on CPU threads and oneDNN's state (self-hosted runs; null where not recorded).</summary>
    [JsonPropertyName("compute")] public IReadOnlyDictionary<string, string>? Compute { get; init; }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static MergeReport FromJson(string json) =>
        JsonSerializer.Deserialize<MergeReport>(json, Json) ?? throw new InvalidDataException("report.json: empty");

    public string ToMarkdown()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine($"# GenMerge report: {Method}");
        sb.AppendLine();
        var rootingLr = RootingLr is double r ? $" (lr {r.ToString("G4", ci)})" : "";
        var finalLr = FinalLr is double f ? $" cosine to {f.ToString("G4", ci)}" : "";
        var ema = EmaKimg is double k ? $", G_ema half-life {k.ToString("G3", ci)} kimg{(EmaRampup > 0 ? " ramped up" : "")}" : "";
        var freeze = FreezeD is int n ? $", Freeze-D: D's first {n} block{(n == 1 ? "" : "s")} fixed" : "";
        var aug = Aug is { } a ? $", D augmentation {a}" : "";
        var data = Data is { } dm ? $", data {dm}" : "";
        var distill = Distill is { } ds ? $", distillation {ds}" : "";
        sb.AppendLine($"{Family} {Resolution}x{Resolution}, root `{Root}`, rooting {RootingSteps} steps{rootingLr}, fine-tuning {FinetuneSteps} steps (lr {Lr.ToString("G4", ci)}{finalLr}, R1 gamma {R1Gamma.ToString("G4", ci)}{ema}{freeze}{aug}{data}{distill}), seed {Seed}, {EvalSamples} images per domain for FID-R18/KID-R18 (ResNet18 features, not Inception).");
        // Beside the settings, since the timings below mean little without it (oneDNN off halves CPU training speed).
        if (Compute is { Count: > 0 })
            sb.AppendLine().AppendLine($"Computed on: {string.Join("; ", Compute.Select(c => $"{c.Key}: {c.Value}"))}.");
        sb.AppendLine();
        sb.AppendLine("| domain | class | reference | FID-R18 | source FID-R18 | ratio | KID-R18 | accuracy | source accuracy |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var d in Domains)
            sb.AppendLine(string.Format(ci, "| {0} | {1} | `{2}` | {3:F2} | {4:F2} | {5:F2}x | {6:F4} | {7:P1} | {8:P1} |",
                d.Name, d.Class, d.Reference, d.FidR18, d.SourceFidR18, d.FidRatio, d.KidR18, d.Accuracy, d.SourceAccuracy));
        sb.AppendLine();
        sb.AppendLine(string.Format(ci, "Parameters: merged {0:N0} (G {1:N0}), one source {2:N0} (G {3:N0}), added {4:N0}.",
            Parameters.Merged, Parameters.MergedGenerator, Parameters.Source, Parameters.SourceGenerator, Parameters.Added));
        if (WeightDistance is { Count: > 0 })
        {
            sb.AppendLine();
            sb.AppendLine("| model | G distance to root before rooting | after rooting |");
            sb.AppendLine("|---|---|---|");
            foreach (var (name, w) in WeightDistance)
                sb.AppendLine(string.Format(ci, "| {0} | {1:F4} | {2:F4} |", name, w.Before, w.After));
        }
        if (Selection is { } sel)
        {
            var names = Domains.Select(d => d.Name).ToList();
            sb.AppendLine();
            sb.AppendLine(string.Format(ci, "Published the fine-tuning checkpoint after {0} of {1} steps: the lowest worst-domain FID-R18 against held-out samples of the sources (not the evaluation reference), as a multiple of each source's own ({2}).",
                sel.PickedStep, sel.LastStep, string.Join(", ", names.Select(n => string.Format(ci, "{0} {1:F2}", n, sel.FloorFidR18[n])))));
            sb.AppendLine();
            // Domain accuracy per checkpoint came later: reports from before it have no such column.
            bool acc = sel.Candidates.All(c => c.Accuracy is not null);
            sb.AppendLine($"| step | {string.Join(" | ", names)} | worst ratio |{(acc ? " lowest accuracy |" : "")}");
            sb.AppendLine($"|---|{string.Concat(names.Select(_ => "---|"))}---|{(acc ? "---|" : "")}");
            foreach (var c in sel.Candidates)
            {
                var b = c.Step == sel.PickedStep ? "**" : "";
                sb.AppendLine(string.Format(ci, "| {0}{1}{0} | {2} | {0}{3:F2}x{0} |{4}", b, c.Step,
                    string.Join(" | ", names.Select(n => c.FidR18[n].ToString("F2", ci))), c.WorstRatio,
                    acc ? string.Format(ci, " {0:F1} % |", 100 * c.Accuracy!.Values.Min()) : ""));
            }
        }
        sb.AppendLine();
        sb.AppendLine("| stage | seconds |");
        sb.AppendLine("|---|---|");
        foreach (var (stage, s) in TimingsS) sb.AppendLine(string.Format(ci, "| {0} | {1:F1} |", stage, s));
        if (Workers is { Count: > 0 })
        {
            sb.AppendLine();
            sb.AppendLine($"Workers: {string.Join("; ", Workers.Select(w => $"{w.Key} {string.Join(", ", w.Value)}"))}.");
        }
        if (Images is { Count: > 0 })
        {
            sb.AppendLine();
            foreach (var (label, path) in Images) sb.AppendLine($"![{label}]({path})");
        }
        return sb.ToString();
    }
}

/// <summary>Snapshot selection: every fine-tuning checkpoint's FID-R18 per domain against held-out source samples.</summary>
public sealed record SelectionReport
{
    [JsonPropertyName("picked_step")] public long PickedStep { get; init; }
    [JsonPropertyName("last_step")] public long LastStep { get; init; }
    /// <summary>Each source's own FID-R18 against its held-out samples: what a ratio is a multiple of.</summary>
    [JsonPropertyName("floor_fid_r18")] public required IReadOnlyDictionary<string, double> FloorFidR18 { get; init; }
    [JsonPropertyName("candidates")] public required IReadOnlyList<SelectionCandidate> Candidates { get; init; }
}

public sealed record SelectionCandidate(
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("fid_r18")] IReadOnlyDictionary<string, double> FidR18,
    [property: JsonPropertyName("worst_ratio")] double WorstRatio)
{
    /// <summary>Per domain, the share of the checkpoint's samples of that class that a classifier fit on the held-out
    /// source samples puts in that source (null for one class, or a report from before it was measured).</summary>
    [JsonPropertyName("accuracy")] public IReadOnlyDictionary<string, double>? Accuracy { get; init; }
}

public sealed record WeightDistanceReport(
    [property: JsonPropertyName("before")] double Before,
    [property: JsonPropertyName("after")] double After);
