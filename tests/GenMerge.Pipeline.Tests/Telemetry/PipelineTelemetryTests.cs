using System.Diagnostics;
using GenMerge.SelfHosted;
using GenMerge.Pipeline.Storage;
using GenMerge.Pipeline.Telemetry;
using GenMerge.Pipeline.Tests.Merge;

namespace GenMerge.Pipeline.Tests.Telemetry;

/// <summary>
/// A tiny merge through the same orchestration every host runs emits what docs/monitoring.md lists:
/// a span per activity named for its stage, the training metrics per segment and the store's bytes.
/// </summary>
[Collection(TelemetryCollection.Name)]
public class PipelineTelemetryTests
{
    static readonly string[] AllStages = { "validate", "shards", "rooting", "init", "finetune", "select", "publish", "eval", "report" };

    [Fact]
    public async Task A_merge_emits_a_span_per_stage_training_metrics_per_segment_and_store_bytes()
    {
        using var capture = new TelemetryCapture();
        using var t = new TinyMerge();
        var runId = "telemetry-" + Guid.NewGuid().ToString("N")[..8];
        // Rooting 3 and fine-tuning 3 steps in segments of 2; best selection adds the select stage.
        var status = await new LocalMergeRunner(t.Store, durableConnection: null).RunAsync(runId, t.Request().With(s => s with { Select = "best" }));
        Assert.True(status.State == "Completed", status.Describe());

        var spans = capture.Spans.Where(s => (string?)s.GetTagItem(GenMergeTelemetry.RunIdTag) == runId).ToList();
        string StageOf(Activity s) => (string)s.GetTagItem(GenMergeTelemetry.StageTag)!;
        Assert.Equal(AllStages.Order(), spans.Select(StageOf).Distinct().Order());
        Assert.All(spans, s => Assert.Equal("genmerge." + StageOf(s), s.OperationName));
        Assert.All(spans, s => Assert.Equal(ActivityStatusCode.Unset, s.Status));
        int?[] Domains(string stage) => spans.Where(s => StageOf(s) == stage)
            .Select(s => (int?)s.GetTagItem(GenMergeTelemetry.DomainTag)).Distinct().Order().ToArray();
        // Rooting trains the squares model (1) from the rings root (0) in two segments; shards and eval work per domain.
        Assert.Equal(new int?[] { 1 }, Domains("rooting"));
        Assert.Equal(2, spans.Count(s => StageOf(s) == "rooting"));
        Assert.Equal(new int?[] { 0, 1 }, Domains("shards"));
        Assert.Equal(new int?[] { 0, 1 }, Domains("eval"));
        Assert.Equal(new int?[] { null }, Domains("finetune"));

        var steps = capture.Of("genmerge.training.steps");
        Assert.Equal(3, steps.Where(m => m.Tag(GenMergeTelemetry.StageTag) == "rooting" && m.Tag(GenMergeTelemetry.DomainTag) == "1").Sum(m => m.Value));
        Assert.Equal(3, steps.Where(m => m.Tag(GenMergeTelemetry.StageTag) == "finetune").Sum(m => m.Value));
        var rates = capture.Of("genmerge.training.steps_per_second");
        Assert.Equal(4, rates.Count); // one per segment
        Assert.All(rates, m => Assert.True(m.Value > 0, $"{m.Value} steps/s"));
        foreach (var stage in new[] { "rooting", "finetune" })
            foreach (var loss in new[] { "g", "d", "r1" })
            {
                Assert.Equal(2, capture.Of("genmerge.training.loss").Count(m => m.Tag(GenMergeTelemetry.StageTag) == stage && m.Tag(GenMergeTelemetry.LossNameTag) == loss));
                Assert.Contains(capture.Of("genmerge.training.loss.last"), m => m.Tag(GenMergeTelemetry.StageTag) == stage && m.Tag(GenMergeTelemetry.LossNameTag) == loss);
            }
        var durations = capture.Of("genmerge.stage.duration");
        Assert.All(AllStages, stage => Assert.Contains(durations, m => m.Tag(GenMergeTelemetry.StageTag) == stage));

        // Every byte the run left in the store was counted as written (some artifacts are written more than once);
        // the published model was read at least once (publish copies the picked checkpoint).
        var bytes = capture.Of("genmerge.artifacts.bytes");
        double Sum(string direction) => bytes.Where(m => m.Tag(GenMergeTelemetry.DirectionTag) == direction).Sum(m => m.Value);
        var runFiles = await t.Store.ListAsync($"runs/{runId}/");
        long stored = runFiles.Sum(n => new FileInfo(t.Store.Locate(n)).Length);
        Assert.True(Sum("write") >= stored, $"written {Sum("write")} < stored {stored}");
        long merged = new FileInfo(t.Store.Locate(new RunArtifacts(t.Store, runId).Merged)).Length;
        Assert.True(Sum("read") >= merged, $"read {Sum("read")} < merged model {merged}");
    }

    [Fact]
    public void A_failing_activity_leaves_an_error_span_with_the_exception()
    {
        using var capture = new TelemetryCapture();
        var runId = "failing-" + Guid.NewGuid().ToString("N")[..8];
        using (var scope = StageScope.Start(new GenMerge.Pipeline.Orchestration.MergeRunInput(runId, new GenMerge.Pipeline.Requests.MergeRequest())))
            scope!.Fail(new InvalidDataException("bad checkpoint"));
        var span = Assert.Single(capture.Spans, s => (string?)s.GetTagItem(GenMergeTelemetry.RunIdTag) == runId);
        Assert.Equal("genmerge.validate", span.OperationName);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("bad checkpoint", span.StatusDescription);
        Assert.Contains(span.Events, e => e.Name == "exception");
    }
}
