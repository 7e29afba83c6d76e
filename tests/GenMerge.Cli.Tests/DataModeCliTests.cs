using System.Text.Json;
using System.Text.RegularExpressions;

namespace GenMerge.Cli.Tests;

/// <summary>Issue 22 items 1 and 2 through the command line: live data and paired distillation reach the run's request,
/// its training and its report (with a given G_ema half-life).</summary>
public class DataModeCliTests
{
    [Fact]
    public void A_live_data_merge_with_distillation_writes_no_shards_and_reports_both()
    {
        using var cli = new CliRunner();
        foreach (var d in new[] { "rings", "squares" })
            Assert.Equal(0, cli.Run("train", "--domain", d, "--resolution", "16", "--steps", "2", "--batch", "8",
                                    "--snapshot-every", "0", "--out", cli.PathOf($"{d}.safetensors")).ExitCode);
        var r = cli.Run("merge", "--model", cli.PathOf("rings.safetensors"), "--model", cli.PathOf("squares.safetensors"),
                        "--rooting-steps", "2", "--merge-steps", "2", "--segment-steps", "2", "--batch", "4", "--eval-samples", "4",
                        "--data", "live", "--distill", "2", "--distill-features", "0.5", "--distill-loss", "l2", "--distill-class", "squares=0.5", "--ema-kimg", "0.25",
                        "--work", cli.PathOf("work"), "--out", cli.PathOf("merged"));
        Assert.True(r.ExitCode == 0, r.ToString());
        var runId = Regex.Match(r.Stdout, @"run id: (\S+)").Groups[1].Value;
        var run = cli.PathOf($"work/store/runs/{runId}");
        Assert.True(Directory.Exists(run), $"no run folder {run}\n{r}");

        // The request carries the settings (what `genmerge resume` restarts from)...
        using (var request = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "request.json"))))
        {
            Assert.Equal("live", request.RootElement.GetProperty("data").GetString());
            Assert.Equal(2, request.RootElement.GetProperty("distill").GetDouble());
            Assert.Equal(0.5, request.RootElement.GetProperty("distill_features").GetDouble());
            Assert.Equal("l2", request.RootElement.GetProperty("distill_loss").GetString());
            Assert.Equal(0.5, request.RootElement.GetProperty("distill_classes").GetProperty("squares").GetDouble());
            Assert.Equal(0.25, request.RootElement.GetProperty("ema_kimg").GetDouble());
        }
        // ...the training sampled the sources itself: no shard was generated, yet rooting and fine-tuning trained...
        Assert.False(Directory.Exists(Path.Combine(run, "shards")) && Directory.EnumerateFiles(Path.Combine(run, "shards"), "*", SearchOption.AllDirectories).Any(),
                     "live data wrote shards");
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(run, "rooted"), "*.safetensors", SearchOption.AllDirectories));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(run, "finetune"), "*.safetensors", SearchOption.AllDirectories));
        // ...and the report says how it was trained.
        using var report = JsonDocument.Parse(File.ReadAllText(cli.PathOf("merged/report.json")));
        Assert.Equal("live", report.RootElement.GetProperty("data").GetString());
        Assert.Equal("pixels 2 (l2), D features 0.5 (l2), per class x squares 0.5", report.RootElement.GetProperty("distill").GetString());
        Assert.Equal(0.25, report.RootElement.GetProperty("ema_kimg").GetDouble()); // as given, not the short job's cap
        Assert.Matches(@"(?m)^\[[0-9:]+\] computing on cpu, \d+ threads, oneDNN: ", r.Stdout); // the local merge says what it runs on
    }
}
