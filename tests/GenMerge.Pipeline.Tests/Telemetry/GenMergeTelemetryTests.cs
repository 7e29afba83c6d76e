using System.Diagnostics;
using System.Diagnostics.Metrics;
using GenMerge.Pipeline.Telemetry;

namespace GenMerge.Pipeline.Tests.Telemetry;

/// <summary>The recorders on their own (tags, units, what is dropped); PipelineTelemetryTests shows a merge calls them.</summary>
public class GenMergeTelemetryTests
{
    sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);

    static List<Measurement> Capture(Action act)
    {
        var seen = new List<Measurement>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == GenMergeTelemetry.MeterName) l.EnableMeasurementEvents(i); };
        void Add(Instrument i, double v, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var t = new Dictionary<string, object?>();
            foreach (var kv in tags) t[kv.Key] = kv.Value;
            lock (seen) seen.Add(new Measurement(i.Name, v, t));
        }
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        listener.Start();
        act();
        // Other tests may record concurrently: keep only this test's stage.
        return seen;
    }

    [Fact]
    public void Segment_records_steps_and_throughput_with_stage_and_domain()
    {
        var stage = "test-segment-" + Guid.NewGuid().ToString("N");
        var m = Capture(() => GenMergeTelemetry.RecordSegment(stage, 120, TimeSpan.FromSeconds(4), domain: 2))
            .Where(x => (string?)x.Tags.GetValueOrDefault(GenMergeTelemetry.StageTag) == stage).ToList();
        var steps = Assert.Single(m, x => x.Instrument == "genmerge.training.steps");
        Assert.Equal(120, steps.Value);
        Assert.Equal(2, steps.Tags[GenMergeTelemetry.DomainTag]);
        Assert.Equal(30.0, Assert.Single(m, x => x.Instrument == "genmerge.training.steps_per_second").Value, 6);
    }

    [Fact]
    public void Loss_goes_to_histogram_and_gauge_and_non_finite_values_are_dropped()
    {
        var stage = "test-loss-" + Guid.NewGuid().ToString("N");
        var m = Capture(() =>
        {
            GenMergeTelemetry.RecordLoss(stage, "g", 0.75);
            GenMergeTelemetry.RecordLoss(stage, "d", double.NaN);
        }).Where(x => (string?)x.Tags.GetValueOrDefault(GenMergeTelemetry.StageTag) == stage).ToList();
        Assert.Equal(2, m.Count);
        Assert.All(m, x => Assert.Equal("g", x.Tags[GenMergeTelemetry.LossNameTag]));
        Assert.Contains(m, x => x.Instrument == "genmerge.training.loss" && x.Value == 0.75);
        Assert.Contains(m, x => x.Instrument == "genmerge.training.loss.last" && x.Value == 0.75);
    }

    [Fact]
    public void Bytes_are_counted_by_direction()
    {
        var m = Capture(() => { GenMergeTelemetry.RecordBytes(write: true, 4096); GenMergeTelemetry.RecordBytes(write: false, 0); })
            .Where(x => x.Instrument == "genmerge.artifacts.bytes" && x.Value == 4096).ToList();
        Assert.Contains(m, x => (string?)x.Tags[GenMergeTelemetry.DirectionTag] == "write");
    }

    [Fact]
    public void Negative_step_count_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GenMergeTelemetry.RecordSegment("x", -1, TimeSpan.FromSeconds(1)));

    [Fact]
    public void Stage_span_carries_stage_run_and_domain_tags()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == GenMergeTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) stopped.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        var runId = Guid.NewGuid().ToString("N");
        using (var a = GenMergeTelemetry.StartStage("rooting", runId, domain: 1))
            Assert.NotNull(a);
        Activity span;
        lock (stopped) span = Assert.Single(stopped, s => (string?)s.GetTagItem(GenMergeTelemetry.RunIdTag) == runId);
        Assert.Equal("genmerge.rooting", span.OperationName);
        Assert.Equal("rooting", span.GetTagItem(GenMergeTelemetry.StageTag));
        Assert.Equal(1, span.GetTagItem(GenMergeTelemetry.DomainTag));
    }
}
