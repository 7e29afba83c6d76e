using System.Diagnostics;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Workers;

namespace GenMerge.Pipeline.Telemetry;

/// <summary>
/// One activity execution as telemetry: a span <c>genmerge.&lt;stage&gt;</c> (tags run id, stage and,
/// where the activity works on one domain, its index) and its wall time in genmerge.stage.duration.
/// Spans come from activities, not from the orchestrator: orchestrator code is replayed after every
/// await, so a span started there would be emitted again on each replay with a meaningless duration.
/// The stage of each activity's input comes from <see cref="TaskLabel"/>.
/// </summary>
internal sealed class StageScope : IDisposable
{
    readonly Activity? span;
    readonly long started = Stopwatch.GetTimestamp();

    StageScope(string stage, string runId, int? domain)
    {
        Stage = stage;
        Domain = domain;
        span = GenMergeTelemetry.StartStage(stage, runId, domain);
    }

    public string Stage { get; }
    public int? Domain { get; }

    /// <summary>The scope of an activity's input (its stage from <see cref="TaskLabel"/>); null for inputs that are not pipeline tasks.</summary>
    public static StageScope? Start(object? input) =>
        TaskLabel.Of(input) is { } label ? new(label.Stage, label.RunId, label.Domain) : null;

    /// <summary>
    /// A training job's stage: "rooting" with the index of the domain being rooted (job
    /// "rooted/&lt;model name&gt;", see MergeOrchestrator), else "finetune" over every domain.
    /// </summary>
    public static (string Stage, int? Domain) Of(TrainJob job)
    {
        const string rooted = "rooted/";
        if (!job.Job.StartsWith(rooted, StringComparison.Ordinal)) return ("finetune", null);
        var name = job.Job[rooted.Length..];
        var models = job.Request.Models ?? [];
        for (int i = 0; i < models.Count; i++)
            if (models[i].Name == name) return ("rooting", i);
        return ("rooting", null);
    }

    /// <summary>Marks the span failed (the exception propagates; Durable retries or fails the run).</summary>
    public void Fail(Exception e)
    {
        span?.SetStatus(ActivityStatusCode.Error, e.Message);
        span?.AddException(e);
    }

    public void Dispose()
    {
        GenMergeTelemetry.RecordStageDuration(Stage, Stopwatch.GetElapsedTime(started), Domain);
        span?.Dispose();
    }
}
