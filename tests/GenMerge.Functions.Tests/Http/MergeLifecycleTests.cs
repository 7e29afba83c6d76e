using GenMerge.Functions.Http;
using GenMerge.Api.Merges;
using GenMerge.Functions.Tests.Support;
using GenMerge.Pipeline.Requests;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace GenMerge.Functions.Tests.Http;

/// <summary>GET status, terminate and purge against real orchestrations in the in-process host.</summary>
public sealed class MergeLifecycleTests(FakeMergeHost durable) : IClassFixture<FakeMergeHost>, IDisposable
{
    readonly TempStore temp = new();

    public void Dispose() => temp.Dispose();

    async Task<string> StartAsync()
    {
        var starter = new MergeStarter(temp.Store);
        string id = MergeStarter.NewRunId();
        await starter.StartAsync(durable.Client, id, MergeRequest.Parse(StartMergeTests.ValidRequest));
        await durable.WaitRunningAsync(id);
        return id;
    }

    async Task<HttpAnswer> GetAsync(string id) => await HttpCalls.ExecuteAsync(
        await new GetMergeFunction(temp.Store).Run(HttpCalls.Request("GET", $"/api/merges/{id}"), id, durable.Client, CancellationToken.None));

    async Task<HttpAnswer> TerminateAsync(string id) => await HttpCalls.ExecuteAsync(
        await new TerminateMergeFunction(NullLogger<TerminateMergeFunction>.Instance)
            .Run(HttpCalls.Request("POST", $"/api/merges/{id}/terminate"), id, durable.Client, CancellationToken.None));

    async Task<HttpAnswer> PurgeAsync(string id, string query = "") => await HttpCalls.ExecuteAsync(
        await new PurgeMergeFunction(temp.Store, NullLogger<PurgeMergeFunction>.Instance)
            .Run(HttpCalls.Request("DELETE", $"/api/merges/{id}", query: query), id, durable.Client, CancellationToken.None));

    [Fact]
    public async Task Status_of_a_running_merge_shows_stage_and_training_progress()
    {
        string id = await StartAsync();
        HttpAnswer a = await GetAsync(id);

        Assert.Equal(200, a.Status);
        Assert.Equal(id, a.Str("id"));
        Assert.Equal("Running", a.Str("runtimeStatus"));
        var progress = a.Body.GetProperty("progress");
        Assert.Equal("rooting", progress.GetProperty("stage").GetString());
        var job = progress.GetProperty("jobs").GetProperty("rooted/b");
        Assert.Equal(5, job.GetProperty("step").GetInt64());
        Assert.Equal(40, job.GetProperty("total").GetInt64());
        Assert.Equal(12, progress.GetProperty("etaSeconds").GetDouble());
        Assert.False(a.Body.TryGetProperty("results", out _));
        Assert.False(a.Body.TryGetProperty("failure", out _));
        Assert.True(a.Body.GetProperty("createdAt").GetDateTimeOffset() <= a.Body.GetProperty("lastUpdatedAt").GetDateTimeOffset());
        Assert.Equal($"http://{HttpCalls.Host}/api/merges/{id}/terminate", a.Body.GetProperty("links").GetProperty("terminatePostUri").GetString());
        await durable.FinishAsync(id);
    }

    [Fact]
    public async Task Status_of_a_completed_merge_links_its_report_and_model()
    {
        string id = await StartAsync();
        await durable.FinishAsync(id);
        await durable.WaitFinishedAsync(id);

        HttpAnswer a = await GetAsync(id);
        Assert.Equal("Completed", a.Str("runtimeStatus"));
        var results = a.Body.GetProperty("results");
        var run = new RunArtifacts(temp.Store, id);
        Assert.Equal(temp.Store.Locate(run.ReportJson), results.GetProperty("reportJson").GetString());
        Assert.Equal(temp.Store.Locate(run.ReportMarkdown), results.GetProperty("reportMarkdown").GetString());
        Assert.Equal(temp.Store.Locate(run.Merged), results.GetProperty("merged").GetString());
        Assert.Equal("done", a.Body.GetProperty("progress").GetProperty("stage").GetString());
    }

    [Fact]
    public async Task Status_of_a_failed_merge_gives_the_innermost_reason()
    {
        string id = await StartAsync();
        await durable.FinishAsync(id, fail: true);
        await durable.WaitFinishedAsync(id);

        HttpAnswer a = await GetAsync(id);
        Assert.Equal("Failed", a.Str("runtimeStatus"));
        Assert.Equal(FakeMergeHost.FailureMessage, a.Body.GetProperty("failure").GetProperty("errorMessage").GetString());
        Assert.Contains("InvalidOperationException", a.Body.GetProperty("failure").GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task Unknown_id_is_404_everywhere()
    {
        const string id = "20990101-000000-nosuch";
        HttpAnswer get = await GetAsync(id), term = await TerminateAsync(id), purge = await PurgeAsync(id);
        Assert.All(new[] { get, term, purge }, a =>
        {
            Assert.Equal(404, a.Status);
            Assert.Contains(id, a.Error);
        });
    }

    [Fact]
    public async Task Terminate_stops_a_running_merge()
    {
        string id = await StartAsync();
        HttpAnswer a = await TerminateAsync(id);
        Assert.Equal(202, a.Status);
        Assert.Equal(id, a.Str("id"));
        Assert.EndsWith($"/api/merges/{id}", a.Location);

        var meta = await durable.WaitFinishedAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, meta.RuntimeStatus);

        HttpAnswer again = await TerminateAsync(id);
        Assert.Equal(409, again.Status);
        Assert.Contains("already finished", again.Error);
    }

    [Fact]
    public async Task Purge_refuses_a_running_merge_then_removes_history_but_keeps_artifacts()
    {
        string id = await StartAsync();
        var run = new RunArtifacts(temp.Store, id);
        await temp.Store.WriteTextAsync(run.ReportJson, "{}");

        HttpAnswer running = await PurgeAsync(id);
        Assert.Equal(409, running.Status);
        Assert.Contains("terminate it first", running.Error);
        Assert.NotNull(await durable.Client.GetInstanceAsync(id));

        await durable.FinishAsync(id);
        await durable.WaitFinishedAsync(id);
        HttpAnswer a = await PurgeAsync(id);
        Assert.Equal(200, a.Status);
        Assert.True(a.Body.GetProperty("purged").GetBoolean());
        Assert.Equal(0, a.Body.GetProperty("artifactsDeleted").GetInt32());

        Assert.Null(await durable.Client.GetInstanceAsync(id));
        Assert.Equal(404, (await GetAsync(id)).Status);
        Assert.True(await temp.Store.ExistsAsync(run.ReportJson));
    }

    [Fact]
    public async Task Purge_with_artifacts_true_deletes_the_run_folder_only()
    {
        string id = await StartAsync();
        var run = new RunArtifacts(temp.Store, id);
        await temp.Store.WriteTextAsync(run.ReportJson, "{}");
        await temp.Store.WriteTextAsync(run.Merged, "weights");
        await temp.AddModelAsync("models/cats.safetensors");
        await durable.FinishAsync(id);
        await durable.WaitFinishedAsync(id);

        HttpAnswer bad = await PurgeAsync(id, "?artifacts=maybe");
        Assert.Equal(400, bad.Status);
        Assert.Contains("artifacts", bad.Error);

        HttpAnswer a = await PurgeAsync(id, "?artifacts=true");
        Assert.Equal(200, a.Status);
        Assert.Equal(2, a.Body.GetProperty("artifactsDeleted").GetInt32());
        Assert.Empty(await temp.Store.ListAsync(run.Root + "/"));
        Assert.True(await temp.Store.ExistsAsync("models/cats.safetensors"));
    }
}
