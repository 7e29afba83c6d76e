using System.Diagnostics;
using System.Diagnostics.Metrics;
using GenMerge.Pipeline.Telemetry;

namespace GenMerge.Pipeline.Tests.Telemetry;

/// <summary>
/// Everything the pipeline's ActivitySource and Meter emit while it is alive, as an exporter would
/// see it. Listeners are process-wide: tests that count measurements run in <see cref="TelemetryCollection"/>.
/// </summary>
public sealed class TelemetryCapture : IDisposable
{
    public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
    {
        public string? Tag(string key) => Tags.GetValueOrDefault(key)?.ToString();
    }

    readonly ActivityListener activities;
    readonly MeterListener meters = new();
    readonly List<Activity> spans = new();
    readonly List<Measurement> measurements = new();

    public TelemetryCapture()
    {
        activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == GenMergeTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(activities);
        meters.InstrumentPublished = (i, l) => { if (i.Meter.Name == GenMergeTelemetry.MeterName) l.EnableMeasurementEvents(i); };
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        meters.Start();
    }

    void Add(Instrument i, double v, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var t = new Dictionary<string, object?>();
        foreach (var kv in tags) t[kv.Key] = kv.Value;
        lock (measurements) measurements.Add(new Measurement(i.Name, v, t));
    }

    public IReadOnlyList<Activity> Spans { get { lock (spans) return spans.ToList(); } }

    public IReadOnlyList<Measurement> Of(string instrument)
    {
        lock (measurements) return measurements.Where(m => m.Instrument == instrument).ToList();
    }

    public void Dispose()
    {
        activities.Dispose();
        meters.Dispose();
    }
}

/// <summary>Runs its tests alone, so no other test's merge adds to the counts.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}
