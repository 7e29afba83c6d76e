using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using GenMerge.Core.Evaluation;
using GenMerge.Pipeline.Storage;
using GenMerge.Pipeline.Workers;
using Xunit.Abstractions;

namespace GenMerge.Cli.Tests;

/// <summary>
/// Three `genmerge worker` processes on one Azurite task hub run a merge that `merge --submit` started; one of them is
/// killed (kill -9) while it trains a segment. The others finish the run; the segments finished before the kill are
/// not trained again, and the killed worker's segment is trained by another one.
/// </summary>
public class WorkerPoolTests(ITestOutputHelper output)
{
    const string Azurite = "UseDevelopmentStorage=true";
    static readonly Regex StartedSegment = new(@"worker (w\d): started TrainSegmentActivity \S+ rooting (rooted-(\w+)-seg-(\d{3}))");

    sealed class Worker(string id, Process process) : IDisposable
    {
        public string Id { get; } = id;
        public Process Process { get; } = process;
        public ConcurrentQueue<string> Lines { get; } = new();
        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Output => string.Join("\n", Lines);

        public void Dispose()
        {
            if (!Process.HasExited) { Process.Kill(entireProcessTree: true); Process.WaitForExit(); }
            Process.Dispose();
        }
    }

    [Fact]
    public async Task Three_workers_share_a_submitted_merge_and_a_worker_killed_mid_segment_loses_only_that_segment()
    {
        using var cli = new CliRunner();
        var hub = "pool" + Guid.NewGuid().ToString("N")[..10];
        cli.Env["GENMERGE_TASKHUB"] = hub;
        var domains = new[] { "rings", "squares", "stripes" };
        var trained = await Task.WhenAll(domains.Select(d => Task.Run(() => cli.Run("train", "--domain", d, "--resolution", "16", "--steps", "2",
            "--batch", "8", "--snapshot-every", "0", "--out", cli.PathOf($"{d}.safetensors")))));
        Assert.All(trained, r => Assert.True(r.ExitCode == 0, r.ToString()));

        var workers = new List<Worker>();
        try
        {
            var killed = new TaskCompletionSource<(Worker Worker, string Job, string Key)>(TaskCreationOptions.RunContinuationsAsynchronously);
            for (int i = 1; i <= 3; i++)
            {
                var w = new Worker($"w{i}", cli.Start("worker", "--storage", Azurite, "--worker-id", $"w{i}", "--drain-timeout", "30"));
                workers.Add(w);
                w.Process.OutputDataReceived += (_, e) =>
                {
                    if (e.Data is null) return;
                    w.Lines.Enqueue(e.Data);
                    if (e.Data.Contains($"worker {w.Id}: ready:")) w.Ready.TrySetResult();
                    // The first worker seen starting a rooting segment after two of that chain finished: killed at once,
                    // so mid-segment (loading, training or writing it).
                    if (StartedSegment.Match(e.Data) is { Success: true } m && int.Parse(m.Groups[4].Value) >= 3 && killed.TrySetResult((w, $"rooted/{m.Groups[3].Value}", m.Groups[2].Value)))
                        w.Process.Kill();
                };
                w.Process.BeginOutputReadLine();
                w.Process.BeginErrorReadLine();
            }
            var readyAll = Task.WhenAll(workers.Select(w => w.Ready.Task));
            Assert.True(await Task.WhenAny(readyAll, Task.Delay(TimeSpan.FromMinutes(3))) == readyAll,
                "workers not ready in 3 minutes:\n" + string.Join("\n", workers.Select(w => w.Output)));

            var submit = cli.Run("merge", "--model", cli.PathOf("rings.safetensors"), "--model", cli.PathOf("squares.safetensors"),
                "--model", cli.PathOf("stripes.safetensors"), "--submit", "--storage", Azurite,
                "--rooting-steps", "32", "--segment-steps", "4", "--merge-steps", "8",
                "--samples", "64", "--eval-samples", "8", "--batch", "8", "--lr", "0.001", "--gamma", "0.05");
            Assert.True(submit.ExitCode == 0, submit.ToString());
            var runId = Regex.Match(submit.Stdout, @"run id: (\S+)").Groups[1].Value;
            Assert.Contains($"genmerge status {runId} --storage \"{Azurite}\" --taskhub {hub}", submit.Stdout);

            var store = BlobArtifactStore.FromConnectionString(Azurite);
            var run = new RunArtifacts(store, runId);
            Assert.True(await Task.WhenAny(killed.Task, Task.Delay(TimeSpan.FromMinutes(5))) == killed.Task,
                "no worker started a third rooting segment in 5 minutes:\n" + string.Join("\n", workers.Select(w => w.Output)));
            var (victim, job, key) = killed.Task.Result;
            victim.Process.WaitForExit();
            // What was written before the kill: every finished segment's record, to compare after the run.
            var before = new Dictionary<string, string>();
            foreach (var name in await store.ListAsync($"{run.Root}/rooted/"))
                if (name.EndsWith(".safetensors.json", StringComparison.Ordinal)) before[name] = await store.ReadTextAsync(name);
            var killedSegment = run.JobSegment(job, int.Parse(key[^3..])) + ".json";
            bool killedSegmentWasDone = before.ContainsKey(killedSegment);

            // The others finish it: the killed worker's activity comes back after its 15 s visibility timeout (and its
            // partition lease, if it held the orchestrations, after the lease expires).
            var clock = Stopwatch.StartNew();
            while (!await store.ExistsAsync(run.ReportJson))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(8), "the run did not finish within 8 minutes of the kill:\n" + string.Join("\n", workers.Select(w => w.Output)));
                Assert.All(workers.Where(w => w != victim), w => Assert.False(w.Process.HasExited, $"{w.Id} exited:\n{w.Output}"));
                await Task.Delay(500);
            }
            var status = cli.Run("status", runId, "--storage", Azurite);
            for (var s = Stopwatch.StartNew(); !status.Stdout.Contains("Completed") && s.Elapsed < TimeSpan.FromMinutes(1); status = cli.Run("status", runId, "--storage", Azurite))
                await Task.Delay(1000);
            Assert.True(status.Stdout.Contains("Completed"), status.ToString());

            var report = MergeReport.FromJson(await store.ReadTextAsync(run.ReportJson));
            Assert.NotNull(report.Workers);
            Assert.True(report.Workers.Values.SelectMany(ids => ids).Distinct().Count() >= 2, $"one worker ran everything: {string.Join("; ", report.Workers)}");
            Assert.Equal(new[] { "eval", "finetune", "init", "publish", "report", "rooting", "shards", "validate" }, report.Workers.Keys);
            // Every worker that ran a task says what it computed on (the CPU workers here: threads and oneDNN's state).
            Assert.NotNull(report.Compute);
            Assert.Equal(report.Workers.Values.SelectMany(ids => ids).Distinct().Order(StringComparer.Ordinal), report.Compute.Keys);
            Assert.All(report.Compute.Values, c => Assert.Matches(@"^cpu, \d+ threads, oneDNN: (on|off|not checked)", c));
            Assert.Equal(0.001, report.Lr); // the submitted settings
            // Finished segments were not trained again (their records carry the first run's wall time), nothing is missing.
            foreach (var (name, text) in before) Assert.Equal(text, await store.ReadTextAsync(name));
            foreach (var d in new[] { "squares", "stripes" })
                for (int n = 1; n <= 8; n++) Assert.True(await store.ExistsAsync(run.JobSegment($"rooted/{d}", n)), $"rooted/{d} segment {n} missing");
            // The killed worker's segment was finished by another worker (unless it had written it just before dying).
            var record = await store.ReadJsonAsync<WorkerRecord>(WorkerRecords.NameOf(run, new TaskLabel(runId, "rooting", key)));
            Assert.NotNull(record.FinishedUtc);
            if (!killedSegmentWasDone) Assert.NotEqual(victim.Id, record.Worker);
            output.WriteLine($"killed {victim.Id} in {key} (written before the kill: {killedSegmentWasDone}); finished by {record.Worker}; " +
                             $"workers {string.Join("; ", report.Workers.Select(w => $"{w.Key}: {string.Join(",", w.Value)}"))}; run took {clock.Elapsed.TotalSeconds:F0} s after the kill");

            // Ctrl+C / SIGTERM drains and exits 0.
            foreach (var w in workers.Where(w => w != victim))
                using (var term = Process.Start("kill", ["-TERM", w.Process.Id.ToString()])) term.WaitForExit();
            foreach (var w in workers.Where(w => w != victim))
            {
                Assert.True(w.Process.WaitForExit(TimeSpan.FromSeconds(60)), $"{w.Id} still running 60 s after SIGTERM:\n{w.Output}");
                w.Process.WaitForExit();
                Assert.True(w.Process.ExitCode == 0, $"{w.Id} exit {w.Process.ExitCode}:\n{w.Output}");
                Assert.Contains($"worker {w.Id}: stopped", w.Output);
            }
        }
        finally
        {
            foreach (var w in workers) w.Dispose();
        }
    }
}
