using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using GenMerge.Pipeline.Requests;

namespace GenMerge.Pipeline.Orchestration;

// Orchestration payloads: ids, artifact names and small numbers only, never tensors.

/// <summary>Input of <see cref="MergeOrchestrator"/>: the run id names the run's folder in the store.</summary>
public sealed record MergeRunInput(string RunId, MergeRequest Request);

/// <summary>One validated source model: where it is, its hash, its architecture and its checkpoint's class names.</summary>
public sealed record SourceInfo(string Name, string Artifact, string Sha256, ModelConfig Config, long GeneratorParameters, long DiscriminatorParameters,
                                IReadOnlyList<string>? ClassNames = null);

/// <summary>Shard <paramref name="Shard"/> of model <paramref name="Model"/>, <paramref name="Count"/> samples; <paramref name="Class"/>
/// is the merged class it is drawn for (null: the model's one class, index = model).</summary>
public sealed record ShardTask(string RunId, MergeRequest Request, int Model, string ModelArtifact, int Shard, int Count, MergeClass? Class = null);

/// <summary>The source model a class's live samples come from, and the source's class to draw (null: its only one).</summary>
public sealed record ClassSource(string Artifact, int? SourceClass);

/// <summary>Makes the root conditional with every class of the merge (class-extended path, docs/design.md §1).</summary>
public sealed record ConditionRootTask(string RunId, MergeRequest Request, IReadOnlyList<SourceInfo> Sources);

/// <summary>What a training job does: move the root's copy to one model's domain, or fine-tune the merged model.</summary>
public enum TrainJobKind { Rooting, Finetune }

/// <summary>
/// A training job split into segments: rooting of one model, or the merge fine-tuning. <paramref name="Job"/>
/// names it in artifact names and progress ("rooted/{model}", "finetune"); <paramref name="Kind"/> says what it is.
/// <paramref name="Labels"/>: the class id of each entry of <paramref name="ShardsPerClass"/> (null: 0..n-1).
/// <paramref name="Live"/>: with live data, the source of each entry (its shard list is then empty).
/// </summary>
public sealed record TrainJob(
    string RunId, MergeRequest Request, TrainJobKind Kind, string Job, string InitArtifact,
    IReadOnlyList<IReadOnlyList<string>> ShardsPerClass, int TotalSteps, IReadOnlyList<int>? Labels = null,
    IReadOnlyList<ClassSource>? Live = null, IReadOnlyList<double>? DistillWeights = null)
{
    /// <summary>Rooting of <paramref name="model"/>: the root's copy trained on that model's shards.</summary>
    public static TrainJob Rooting(string runId, MergeRequest request, string model, string rootArtifact, IReadOnlyList<string> shards, int steps) =>
        new(runId, request, TrainJobKind.Rooting, $"rooted/{model}", rootArtifact, new[] { shards }, steps);

    /// <summary>Rooting of <paramref name="model"/> in the class-extended path: the conditioned root's copy trained on the
    /// model's classes, each labelled with its merged index.</summary>
    public static TrainJob RootingOnClasses(string runId, MergeRequest request, string model, string rootArtifact,
                                            IReadOnlyList<IReadOnlyList<string>> shardsPerClass, IReadOnlyList<int> labels, int steps) =>
        new(runId, request, TrainJobKind.Rooting, $"rooted/{model}", rootArtifact, shardsPerClass, steps, labels);

    public static TrainJob Finetune(string runId, MergeRequest request, string initArtifact, IReadOnlyList<IReadOnlyList<string>> shardsPerClass, int steps) =>
        new(runId, request, TrainJobKind.Finetune, "finetune", initArtifact, shardsPerClass, steps);
}

public sealed record SegmentTask(TrainJob Job, int Segment);

/// <summary>One finished segment; <paramref name="AugmentP"/> is D's augmentation probability at its end (null: no augmentation).</summary>
public sealed record SegmentResult(string Artifact, long Step, double LossG, double LossD, double Seconds, double? AugmentP = null);

public sealed record InitTask(string RunId, MergeRequest Request, IReadOnlyList<SourceInfo> Sources, IReadOnlyList<string> Rooted);

public sealed record InitResult(string Artifact, long GeneratorParameters, long DiscriminatorParameters);

/// <summary>Evaluation of merged class <paramref name="Class"/> (<see cref="SourceClasses"/> says which source and source class it is).</summary>
public sealed record EvalTask(string RunId, MergeRequest Request, IReadOnlyList<SourceInfo> Sources, string MergedArtifact, int Class);

public sealed record DomainEvalResult(int Class, double FidR18, double KidR18, double SourceFidR18, double SourceKidR18, string Reference);

/// <summary>Held-out samples of source <paramref name="Class"/> for snapshot selection.</summary>
public sealed record SelectionReferenceTask(string RunId, MergeRequest Request, IReadOnlyList<SourceInfo> Sources, int Class);

/// <summary>Where the held-out features are, and the source's own FID-R18 against them.</summary>
public sealed record SelectionReference(int Class, string FeaturesArtifact, double Floor);

/// <summary>Score one fine-tuning checkpoint (after <paramref name="Step"/> steps) on every class.</summary>
public sealed record ScoreSnapshotTask(string RunId, MergeRequest Request, IReadOnlyList<SelectionReference> References, string Artifact, long Step);

/// <summary>FID-R18 of each class of one checkpoint against the held-out source samples, and the share of each class's
/// samples classified as its source (null with one class, and in histories from before it was scored).</summary>
public sealed record SnapshotScore(string Artifact, long Step, IReadOnlyList<double> FidR18, IReadOnlyList<double>? Accuracy = null);

/// <summary>Every scored checkpoint, the sources' floors, and the one published.</summary>
public sealed record SelectionResult(IReadOnlyList<SnapshotScore> Candidates, IReadOnlyList<double> Floors, int Picked);

public sealed record ReportTask(
    string RunId, MergeRequest Request, IReadOnlyList<SourceInfo> Sources, string MergedArtifact,
    InitResult Init, IReadOnlyList<DomainEvalResult> Evaluations, IReadOnlyList<string> Rooted,
    IReadOnlyDictionary<string, double> TimingsS, SelectionResult? Selection = null);

/// <summary>Output of a finished merge: where to find its results.</summary>
public sealed record MergeRunResult(string RunId, string MergedArtifact, string ReportArtifact, string ReportMarkdownArtifact);

/// <summary>Custom status of a running merge (shown by `genmerge status` and GET /api/merges/{id}).</summary>
public sealed record MergeProgress
{
    public string Stage { get; init; } = "validate";
    /// <summary>Per training job: steps done / total.</summary>
    public IReadOnlyDictionary<string, JobProgress> Jobs { get; init; } = new Dictionary<string, JobProgress>();
    public double? EtaSeconds { get; init; }
}

public sealed record JobProgress(long Step, long Total, double LossG, double LossD, double? AugmentP = null);
