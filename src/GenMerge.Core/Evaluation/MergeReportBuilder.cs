using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using static System.FormattableString;

namespace GenMerge.Core.Evaluation;

/// <summary>What a merge produced, as measured by whoever ran it; the builder derives the rest from the settings.</summary>
public sealed record MergeOutcome
{
    public required IReadOnlyList<string> Names { get; init; }
    public required ModelConfig SourceConfig { get; init; }
    public required IReadOnlyList<DomainReport> Domains { get; init; }
    public required ParameterReport Parameters { get; init; }
    public required IReadOnlyDictionary<string, double> TimingsS { get; init; }
    public required IReadOnlyDictionary<string, string> Images { get; init; }
    public IReadOnlyDictionary<string, WeightDistanceReport>? WeightDistance { get; init; }
    public SelectionReport? Selection { get; init; }
    /// <summary>Per stage, who ran it (the self-hosted workers' records).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Workers { get; init; }
    /// <summary>Per worker, what it computed on.</summary>
    public IReadOnlyDictionary<string, string>? Compute { get; init; }
}

/// <summary>
/// Builds report.json / report.md of a merge from its settings and outcome: the one place that decides which
/// settings a report shows (rooting only for rooting methods, fine-tuning lr/EMA only when it fine-tunes,
/// augmentation and Freeze-D only when anything trains). The pipeline and the pipeline-overhead benchmark
/// both call it, so their reports carry the same fields.
/// </summary>
public static class MergeReportBuilder
{
    public static MergeReport Build(MergeSettings s, MergeOutcome o)
    {
        int models = o.Names.Count;
        bool rooting = MergeMethod.UsesRooting(s.Method);
        int finetuneSteps = s.FinetuneSteps(models);
        var finetune = s.Training(finetuneSteps, o.SourceConfig.Resolution);
        bool trains = finetuneSteps > 0 || rooting;
        return new MergeReport
        {
            Method = s.Method, Family = o.SourceConfig.Family, Resolution = o.SourceConfig.Resolution,
            Root = o.Names[s.Root],
            RootingSteps = rooting ? s.RootingSteps : 0,
            FinetuneSteps = finetuneSteps,
            Seed = s.Seed, EvalSamples = s.EvalSamples, Domains = o.Domains,
            Lr = s.Lr, RootingLr = rooting ? s.LrOf(rooting: true) : null,
            FinalLr = finetuneSteps > 0 ? s.FinalLr : null,
            FreezeD = s.FreezeD > 0 && trains ? s.FreezeD : null,
            Aug = trains ? Augmentation(s) : null,
            Data = !trains ? null : s.Data == DataModes.Live ? DataModes.Live
                : Invariant($"{DataModes.Shards}, {s.SamplesPerClass(o.Domains.Count, models, o.SourceConfig.Resolution)} per class"),
            Distill = trains ? Distillation(s) : null,
            R1Gamma = finetune.R1Gamma,
            EmaKimg = finetuneSteps > 0 ? finetune.EmaKimg : null,
            EmaRampup = finetuneSteps > 0 ? finetune.EmaRampup : null,
            Parameters = o.Parameters,
            TimingsS = o.TimingsS, WeightDistance = o.WeightDistance, Images = o.Images,
            Selection = o.Selection, Workers = o.Workers, Compute = o.Compute,
        };
    }

    static string? Distillation(MergeSettings s)
    {
        var parts = new List<string>();
        if (s.Distill > 0) parts.Add(Invariant($"pixels {s.Distill:G4} ({s.DistillLoss})"));
        if (s.DistillFeatures > 0) parts.Add(Invariant($"D features {s.DistillFeatures:G4} ({s.DistillLoss})"));
        if (parts.Count > 0 && s.DistillClasses is { Count: > 0 } dc)
            parts.Add("per class x " + string.Join(", ", dc.Select(kv => Invariant($"{kv.Key} {kv.Value:G4}"))));
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    static string? Augmentation(MergeSettings s) => s.Augment switch
    {
        Training.AugmentModes.Ada => Invariant($"ada (target {s.AugmentTarget:G3}, from p {s.AugmentP:G3}){PipeSuffix(s)}"),
        Training.AugmentModes.Fixed => Invariant($"fixed p {s.AugmentP:G3}{PipeSuffix(s)}"),
        _ => null,
    };

    /// <summary>The pipe is named only when it is not the default, so reports of blit runs read as before.</summary>
    static string PipeSuffix(MergeSettings s) => s.AugmentPipe == Training.AugmentPipes.Blit ? "" : $", pipe {s.AugmentPipe}";
}
