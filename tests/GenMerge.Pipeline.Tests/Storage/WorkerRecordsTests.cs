using GenMerge.Pipeline.Storage;
using GenMerge.Pipeline.Workers;

namespace GenMerge.Pipeline.Tests.Storage;

public sealed class WorkerRecordsTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("gm-workers-").FullName;
    readonly LocalFolderStore store;
    readonly RunArtifacts run;

    public WorkerRecordsTests()
    {
        store = new LocalFolderStore(root);
        run = new RunArtifacts(store, "run7");
    }

    static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_task_re_run_after_its_worker_died_names_the_worker_that_finished_it()
    {
        var seg = new TaskLabel("run7", "rooting", "rooted-cats-seg-003", 1);
        await WorkerRecords.StartedAsync(store, seg, "w1", T0);                 // w1 dies mid-segment
        await WorkerRecords.StartedAsync(store, seg, "w2", T0.AddSeconds(20));  // the message comes back to w2
        await WorkerRecords.FinishedAsync(store, seg, "w2", T0.AddSeconds(20), T0.AddSeconds(25));
        // A late duplicate finish (a worker whose lock had lapsed) does not take the record over.
        await WorkerRecords.FinishedAsync(store, seg, "w3", T0.AddSeconds(21), T0.AddSeconds(30));

        var record = await store.ReadJsonAsync<WorkerRecord>(WorkerRecords.NameOf(run, seg));
        Assert.Equal("w2", record.Worker);
        Assert.Equal(T0.AddSeconds(25), record.FinishedUtc);
        Assert.Equal("runs/run7/workers/rooting/rooted-cats-seg-003.json", WorkerRecords.NameOf(run, seg));
    }

    [Fact]
    public async Task Workers_are_grouped_per_stage_and_kept_out_of_the_manifest()
    {
        Assert.Null(await WorkerRecords.ByStageAsync(run));
        await WorkerRecords.StartedAsync(store, new TaskLabel("run7", "shards", "shard-0-0000", 0), "w2", T0);
        await WorkerRecords.StartedAsync(store, new TaskLabel("run7", "shards", "shard-1-0000", 1), "w1", T0);
        await WorkerRecords.StartedAsync(store, new TaskLabel("run7", "shards", "shard-1-0001", 1), "w2", T0);
        await WorkerRecords.StartedAsync(store, new TaskLabel("run7", "report", "report"), "w1", T0);
        await run.WriteTextAsync(run.ReportJson, "{}");

        var byStage = await WorkerRecords.ByStageAsync(run);
        Assert.Equal(new[] { "report", "shards" }, byStage!.Keys);
        Assert.Equal(new[] { "w1", "w2" }, byStage["shards"]);
        Assert.Equal(new[] { "w1" }, byStage["report"]);

        var manifest = await run.BuildManifestAsync();
        Assert.Equal(new[] { run.ReportJson }, manifest.Artifacts.Select(a => a.Name));
    }

    [Fact]
    public void Every_pipeline_task_gets_a_stage_and_a_deterministic_key()
    {
        var req = new Requests.MergeRequest
        {
            Models = [new() { Name = "rings", Uri = "runs/r/inputs/rings.safetensors" }, new() { Name = "cats", Uri = "runs/r/inputs/cats.safetensors" }],
        };
        var rooting = Orchestration.TrainJob.Rooting("r", req, "cats", "root", ["s"], 8);
        Assert.Equal(new TaskLabel("r", "rooting", "rooted-cats-seg-002", 1), TaskLabel.Of(new Orchestration.SegmentTask(rooting, 2)));
        var finetune = Orchestration.TrainJob.Finetune("r", req, "init", [["a"], ["b"]], 8);
        Assert.Equal(new TaskLabel("r", "finetune", "finetune-seg-010"), TaskLabel.Of(new Orchestration.SegmentTask(finetune, 10)));
        Assert.Equal(new TaskLabel("r", "shards", "shard-1-0003", 1), TaskLabel.Of(new Orchestration.ShardTask("r", req, 1, "m", 3, 256)));
        Assert.Equal(new TaskLabel("r", "publish", "publish"), TaskLabel.Of(new Activities.PublishTask("r", "x")));
        Assert.Null(TaskLabel.Of("not a task"));
    }

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }
}
