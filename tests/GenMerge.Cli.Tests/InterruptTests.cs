using System.Diagnostics;

namespace GenMerge.Cli.Tests;

/// <summary>
/// SIGTERM (what `kill` sends; Ctrl+C's SIGINT takes the same path) stops `genmerge merge` within seconds, says how
/// to continue, and `genmerge resume` then trains on from there without touching the finished segments. Before, the
/// embedded Durable hosts' console lifetime swallowed the signal and the merge ran on until the end.
/// </summary>
public class InterruptTests
{
    [Fact]
    public async Task Sigterm_stops_a_merge_within_seconds_and_resume_continues_it()
    {
        using var cli = new CliRunner();
        foreach (var d in new[] { "rings", "squares" })
            Assert.Equal(0, cli.Run("train", "--domain", d, "--resolution", "16", "--steps", "2", "--batch", "8",
                                    "--snapshot-every", "0", "--out", cli.PathOf($"{d}.safetensors")).ExitCode);
        using var p = cli.Start("merge", "--model", cli.PathOf("rings.safetensors"), "--model", cli.PathOf("squares.safetensors"),
            "--rooting-steps", "2000", "--segment-steps", "4", "--merge-steps", "8", "--samples", "64", "--eval-samples", "8",
            "--batch", "8", "--out", cli.PathOf("out"));
        string runId, stderr, rooted;
        try
        {
            var first = await p.StandardOutput.ReadLineAsync();
            Assert.StartsWith("run id: ", first);
            runId = first!["run id: ".Length..];
            _ = p.StandardOutput.ReadToEndAsync();
            var err = p.StandardError.ReadToEndAsync();
            rooted = cli.PathOf($"home/store/runs/{runId}/rooted/squares");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(rooted, "seg-002.safetensors.json")))
            {
                Assert.False(p.HasExited, "merge ended before it could be interrupted");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "no segment finished in 3 minutes");
                await Task.Delay(100);
            }
            using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString()])) kill.WaitForExit();
            // 2000 rooting steps take minutes here; the signal must end the process long before.
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(30)), "merge still running 30 s after SIGTERM");
            stderr = await err;
        }
        finally
        {
            if (!p.HasExited) { p.Kill(entireProcessTree: true); p.WaitForExit(); }
        }
        Assert.NotEqual(0, p.ExitCode);
        Assert.Contains($"genmerge resume {runId}", stderr);
        int Done() => Directory.GetFiles(rooted, "seg-*.safetensors.json").Length;
        var doneBefore = Done();
        var seg1 = Path.Combine(rooted, "seg-001.safetensors.json");
        var before = File.ReadAllText(seg1);
        Assert.InRange(doneBefore, 2, 499); // stopped part-way through the 500 segments
        Assert.False(File.Exists(cli.PathOf($"home/store/runs/{runId}/report.json")));

        // The resumed run is stopped once it has trained past where the first one stopped: finishing all
        // 2000 steps is not what this test is about.
        using var resumed = cli.Start("resume", runId, "--out", cli.PathOf("out"));
        _ = resumed.StandardOutput.ReadToEndAsync();
        _ = resumed.StandardError.ReadToEndAsync();
        var wait = Stopwatch.StartNew();
        while (Done() < doneBefore + 2 && !resumed.HasExited && wait.Elapsed < TimeSpan.FromMinutes(3)) await Task.Delay(100);
        try { Assert.True(Done() >= doneBefore + 2, $"resume trained no further segments (it had {doneBefore})"); }
        finally { if (!resumed.HasExited) { resumed.Kill(entireProcessTree: true); resumed.WaitForExit(); } }
        Assert.Equal(before, File.ReadAllText(seg1));
    }
}
