using System.Diagnostics;
using GenMerge.Core.Evaluation;
using GenMerge.Pipeline.Storage;

namespace GenMerge.Cli.Tests;

/// <summary>
/// Kill `genmerge merge` mid-run on the persistent Azurite task hub, then `genmerge resume`: the run
/// completes and the segments finished before the kill are not trained again.
/// </summary>
public class CrashResumeTests
{
    const string Azurite = "UseDevelopmentStorage=true";

    [Fact]
    public async Task A_killed_merge_resumes_from_its_last_finished_segment()
    {
        using var cli = new CliRunner();
        cli.Env["GENMERGE_TASKHUB"] = "crash" + Guid.NewGuid().ToString("N")[..10];
        foreach (var d in new[] { "rings", "squares" })
            Assert.Equal(0, cli.Run("train", "--domain", d, "--resolution", "16", "--steps", "2", "--batch", "8",
                                    "--snapshot-every", "0", "--out", cli.PathOf($"{d}.safetensors")).ExitCode);
        string[] merge =
        {
            "merge", "--model", cli.PathOf("rings.safetensors"), "--model", cli.PathOf("squares.safetensors"),
            "--storage", Azurite, "--rooting-steps", "60", "--segment-steps", "4", "--merge-steps", "8",
            "--samples", "64", "--eval-samples", "8", "--batch", "8", "--lr", "0.001", "--gamma", "0.05", "--out", cli.PathOf("out"),
        };
        var store = BlobArtifactStore.FromConnectionString(Azurite);
        string runId;
        using (var p = cli.Start(merge))
        try
        {
            var first = await p.StandardOutput.ReadLineAsync();
            Assert.StartsWith("run id: ", first);
            runId = first!["run id: ".Length..];
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            var done2 = $"runs/{runId}/rooted/squares/seg-002.safetensors.json";
            var clock = Stopwatch.StartNew();
            while (!await store.ExistsAsync(done2))
            {
                Assert.False(p.HasExited, "merge ended before it could be killed");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(10), "no segment finished in 10 minutes");
                await Task.Delay(100);
            }
        }
        finally
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        var seg1 = await store.ReadTextAsync($"runs/{runId}/rooted/squares/seg-001.safetensors.json");
        var seg2 = await store.ReadTextAsync($"runs/{runId}/rooted/squares/seg-002.safetensors.json");
        Assert.False(await store.ExistsAsync($"runs/{runId}/report.json"));

        // ~30 s on a quiet 2-core machine (15 s of it waiting for the killed process's activity message to become
        // visible again); the limit is for a machine at load ~15, where it took over 5 minutes.
        var resumed = cli.Run(TimeSpan.FromMinutes(15), "resume", runId, "--storage", Azurite, "--out", cli.PathOf("out"));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.True(File.Exists(cli.PathOf("out/report.json")));
        Assert.True(File.Exists(cli.PathOf("out/merged.safetensors")));
        // The resumed run trained with the first command's settings.
        var report = MergeReport.FromJson(File.ReadAllText(cli.PathOf("out/report.json")));
        Assert.Equal(0.001, report.Lr);
        Assert.Equal(0.05, report.R1Gamma);
        // Segments that finished before the kill were not trained again (their records carry the
        // wall time of the original run, which a re-run would have rewritten).
        Assert.Equal(seg1, await store.ReadTextAsync($"runs/{runId}/rooted/squares/seg-001.safetensors.json"));
        Assert.Equal(seg2, await store.ReadTextAsync($"runs/{runId}/rooted/squares/seg-002.safetensors.json"));
        Assert.True(await store.ExistsAsync($"runs/{runId}/rooted/squares/seg-015.safetensors"));

        var status = cli.Run("status", runId, "--storage", Azurite);
        Assert.Contains("Completed", status.Stdout);
    }
}
