namespace GenMerge.Cli.Tests;

/// <summary>
/// `genmerge merge` with the standard OTEL_EXPORTER_OTLP_* variables delivers the pipeline's spans and
/// metrics to the collector they name (here a stand-in on a loopback port), as docs/monitoring.md says.
/// </summary>
public class OtlpExportTests
{
    // Every stage a cocktail merge with the default last-checkpoint selection runs.
    static readonly string[] Stages = { "validate", "shards", "rooting", "init", "finetune", "publish", "eval", "report" };

    [Fact]
    public void A_merge_exports_a_span_per_stage_and_the_training_and_store_metrics_over_otlp_http()
    {
        using var cli = WithSources();
        using var collector = new OtlpCollector();
        cli.Env["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint;
        cli.Env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";

        TinyMerge(cli);

        // The process flushes both exporters as it ends, so everything has arrived once it has exited.
        var traces = collector.Bodies("/v1/traces");
        var metrics = collector.Bodies("/v1/metrics");
        Assert.NotEmpty(traces);
        Assert.NotEmpty(metrics);
        Assert.All(Stages, s => Assert.True(OtlpCollector.HasString(traces, 0x2A, $"genmerge.{s}"), $"no span genmerge.{s}"));
        foreach (var name in new[] { "genmerge.training.steps", "genmerge.training.steps_per_second", "genmerge.training.loss",
                                     "genmerge.artifacts.bytes", "genmerge.stage.duration" })
            Assert.True(OtlpCollector.HasString(metrics, 0x0A, name), $"no metric {name}");
    }

    [Fact]
    public async Task A_merge_exports_over_otlp_grpc_when_the_protocol_says_so()
    {
        using var cli = WithSources();
        await using var collector = await GrpcOtlpCollector.StartAsync();
        cli.Env["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint;
        cli.Env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";

        TinyMerge(cli);
        var traces = collector.Bodies(GrpcOtlpCollector.Traces);
        var metrics = collector.Bodies(GrpcOtlpCollector.Metrics);
        Assert.All(Stages, s => Assert.True(OtlpCollector.HasString(traces, 0x2A, $"genmerge.{s}"), $"no span genmerge.{s}"));
        Assert.True(OtlpCollector.HasString(metrics, 0x0A, "genmerge.training.steps"), "no metric genmerge.training.steps");
        Assert.True(OtlpCollector.HasString(metrics, 0x0A, "genmerge.artifacts.bytes"), "no metric genmerge.artifacts.bytes");
    }

    /// <summary>A CLI folder holding two tiny trained sources, rings and squares.</summary>
    static CliRunner WithSources()
    {
        var cli = new CliRunner();
        // Under CI's load a periodic span export can time out and lose its batch (seen once: no genmerge.eval):
        // export spans once, at shutdown, with a generous timeout. These are the standard OTEL_* variables.
        cli.Env["OTEL_BSP_SCHEDULE_DELAY"] = "600000";
        cli.Env["OTEL_EXPORTER_OTLP_TIMEOUT"] = "120000";
        foreach (var d in new[] { "rings", "squares" })
            Assert.Equal(0, cli.Run("train", "--domain", d, "--resolution", "16", "--steps", "2", "--batch", "8",
                                    "--snapshot-every", "0", "--out", cli.PathOf($"{d}.safetensors")).ExitCode);
        return cli;
    }

    /// <summary>The smallest merge of the two sources that still runs every stage.</summary>
    static void TinyMerge(CliRunner cli)
    {
        var r = cli.Run("merge", "--model", cli.PathOf("rings.safetensors"), "--model", cli.PathOf("squares.safetensors"),
                        "--rooting-steps", "2", "--merge-steps", "2", "--segment-steps", "2", "--samples", "16",
                        "--eval-samples", "8", "--batch", "8", "--out", cli.PathOf("out"));
        Assert.True(r.ExitCode == 0, r.ToString());
    }
}
