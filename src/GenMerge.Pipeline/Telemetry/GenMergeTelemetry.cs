using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GenMerge.Pipeline.Telemetry;

/// <summary>
/// The pipeline's traces and metrics, on BCL types only (no OpenTelemetry dependency here): the host
/// decides whether and where they are exported (the Functions app sends them to Azure Monitor, see
/// GenMerge.Functions.Telemetry). Names follow OpenTelemetry conventions; Application Insights shows
/// spans in requests/dependencies and instruments in customMetrics under these names.
/// </summary>
public static class GenMergeTelemetry
{
    /// <summary>ActivitySource and Meter name, for AddSource / AddMeter.</summary>
    public const string SourceName = "GenMerge.Pipeline";
    public const string MeterName = "GenMerge.Pipeline";

    // Tag keys shared by spans and instruments, so KQL can join them.
    public const string StageTag = "genmerge.stage";
    public const string RunIdTag = "genmerge.run_id";
    public const string DomainTag = "genmerge.domain";
    public const string LossNameTag = "genmerge.loss";
    public const string DirectionTag = "genmerge.direction";

    static readonly string? Version = typeof(GenMergeTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource ActivitySource = new(SourceName, Version);
    public static readonly Meter Meter = new(MeterName, Version);

    /// <summary>Optimizer steps completed (generator+discriminator iteration = 1 step).</summary>
    public static readonly Counter<long> Steps =
        Meter.CreateCounter<long>("genmerge.training.steps", "{step}", "Training steps completed");

    /// <summary>Throughput of a training segment, recorded once per segment.</summary>
    public static readonly Histogram<double> StepsPerSecond =
        Meter.CreateHistogram<double>("genmerge.training.steps_per_second", "{step}/s", "Training throughput per segment");

    /// <summary>Loss values (tag genmerge.loss: g, d, r1, ...): distribution over steps.</summary>
    public static readonly Histogram<double> Loss =
        Meter.CreateHistogram<double>("genmerge.training.loss", "1", "Training loss values");

    /// <summary>Most recent loss value per stage and loss name.</summary>
    public static readonly Gauge<double> LastLoss =
        Meter.CreateGauge<double>("genmerge.training.loss.last", "1", "Latest training loss value");

    /// <summary>Bytes read from / written to the artifact store (tag genmerge.direction: read|write).</summary>
    public static readonly Counter<long> BytesMoved =
        Meter.CreateCounter<long>("genmerge.artifacts.bytes", "By", "Artifact store bytes moved");

    /// <summary>Wall time of a pipeline stage (sampling, rooting, averaging, fine-tuning, evaluation).</summary>
    public static readonly Histogram<double> StageDuration =
        Meter.CreateHistogram<double>("genmerge.stage.duration", "s", "Pipeline stage duration");

    /// <summary>Starts a span for one stage of one run; null when nothing listens.</summary>
    public static Activity? StartStage(string stage, string runId, int? domain = null)
    {
        var activity = ActivitySource.StartActivity($"genmerge.{stage}", ActivityKind.Internal);
        activity?.SetTag(StageTag, stage);
        activity?.SetTag(RunIdTag, runId);
        if (domain is { } d) activity?.SetTag(DomainTag, d);
        return activity;
    }

    /// <summary>Records a finished training segment: step count and its throughput.</summary>
    public static void RecordSegment(string stage, long steps, TimeSpan elapsed, int? domain = null)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "step count must be >= 0");
        var tags = StageTags(stage, domain);
        Steps.Add(steps, tags);
        if (elapsed > TimeSpan.Zero) StepsPerSecond.Record(steps / elapsed.TotalSeconds, tags);
    }

    /// <summary>Records one loss value (histogram + last-value gauge). Non-finite values are dropped.</summary>
    public static void RecordLoss(string stage, string lossName, double value, int? domain = null)
    {
        if (!double.IsFinite(value)) return;
        var tags = StageTags(stage, domain);
        tags.Add(LossNameTag, lossName);
        Loss.Record(value, tags);
        LastLoss.Record(value, tags);
    }

    /// <summary>Records artifact-store traffic.</summary>
    public static void RecordBytes(bool write, long bytes)
    {
        if (bytes <= 0) return;
        BytesMoved.Add(bytes, new KeyValuePair<string, object?>(DirectionTag, write ? "write" : "read"));
    }

    /// <summary>Records how long a stage took.</summary>
    public static void RecordStageDuration(string stage, TimeSpan elapsed, int? domain = null) =>
        StageDuration.Record(elapsed.TotalSeconds, StageTags(stage, domain));

    static TagList StageTags(string stage, int? domain)
    {
        var tags = new TagList { { StageTag, stage } };
        if (domain is { } d) tags.Add(DomainTag, d);
        return tags;
    }
}
