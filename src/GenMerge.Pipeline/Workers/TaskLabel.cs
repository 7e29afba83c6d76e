using GenMerge.Pipeline.Activities;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Telemetry;

namespace GenMerge.Pipeline.Workers;

/// <summary>
/// What one activity execution works on, from its input: the run, the stage, a key that names this task within
/// the stage (deterministic, so a retry or another worker gets the same key) and, where it works on one domain, its
/// index. The stage of each activity's input is decided here and nowhere else (telemetry's StageScope uses it).
/// </summary>
public sealed record TaskLabel(string RunId, string Stage, string Key, int? Domain = null)
{
    /// <summary>Null for inputs that are not pipeline tasks.</summary>
    public static TaskLabel? Of(object? input) => input switch
    {
        MergeRunInput t => new(t.RunId, "validate", "validate"),
        ShardTask t => t.Class is { } c
            ? new(t.RunId, "shards", $"shard-{t.Model}-class-{c.Index}-{t.Shard:D4}", c.Index)
            : new(t.RunId, "shards", $"shard-{t.Model}-{t.Shard:D4}", t.Model),
        ConditionRootTask t => new(t.RunId, "rooting", "condition-root"),
        SegmentTask t => StageScope.Of(t.Job) is var (stage, domain)
            ? new(t.Job.RunId, stage, $"{t.Job.Job.Replace('/', '-')}-seg-{t.Segment:D3}", domain) : null,
        InitTask t => new(t.RunId, "init", "init"),
        SelectionReferenceTask t => new(t.RunId, "select", $"reference-{t.Class}", t.Class),
        ScoreSnapshotTask t => new(t.RunId, "select", $"score-{t.Step}"),
        PublishTask t => new(t.RunId, "publish", "publish"),
        EvalTask t => new(t.RunId, "eval", $"eval-{t.Class}", t.Class),
        ReportTask t => new(t.RunId, "report", "report"),
        _ => null,
    };

    public override string ToString() => $"{RunId} {Stage} {Key}";
}
