using System.Text.Json;
using GenMerge.Functions.Blobs;
using GenMerge.Api.Merges;
using GenMerge.Functions.Tests.Http;
using GenMerge.Functions.Tests.Support;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace GenMerge.Functions.Tests.Blobs;

public sealed class MergeRequestBlobTests(FakeMergeHost durable) : IClassFixture<FakeMergeHost>, IDisposable
{
    readonly TempStore artifacts = new();
    readonly TempStore requests = new();

    public void Dispose()
    {
        artifacts.Dispose();
        requests.Dispose();
    }

    MergeRequestBlobFunction Function(string? hostName = null) => new(
        new MergeStarter(artifacts.Store), new MergeRequestInbox(requests.Store),
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["WEBSITE_HOSTNAME"] = hostName }).Build(),
        NullLogger<MergeRequestBlobFunction>.Instance);

    /// <summary>As the trigger delivers it: the blob lands in the container, then the function gets its content and name.</summary>
    async Task DeliverAsync(string name, string content, string? hostName = null)
    {
        await requests.Store.WriteTextAsync(name, content);
        await Function(hostName).Run(content, name, durable.Client, CancellationToken.None);
    }

    async Task<JsonElement> ReadJsonAsync(string name) => JsonDocument.Parse(await requests.Store.ReadTextAsync(name)).RootElement.Clone();

    async Task AddModelsAsync()
    {
        await artifacts.AddModelAsync("models/cats.safetensors");
        await artifacts.AddModelAsync("models/dogs.safetensors");
    }

    [Fact]
    public async Task Valid_request_starts_a_merge_named_for_the_blob_and_writes_started_json()
    {
        await AddModelsAsync();
        await DeliverAsync("team/cats-dogs.json", StartMergeTests.ValidRequest, hostName: "genmerge.example.net");

        string id = BlobRunIds.For("team/cats-dogs.json");
        var started = await ReadJsonAsync("team/cats-dogs.json.started.json");
        Assert.Equal(id, started.GetProperty("id").GetString());
        Assert.Equal($"/api/merges/{id}", started.GetProperty("statusPath").GetString());
        Assert.Equal($"https://genmerge.example.net/api/merges/{id}", started.GetProperty("statusUri").GetString());
        Assert.False(started.GetProperty("alreadyStarted").GetBoolean());

        var meta = await durable.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.NotNull(meta);
        Assert.Equal(nameof(MergeOrchestrator), meta!.Name);
        Assert.Equal(id, meta.ReadInputAs<MergeRunInput>()!.RunId);
        Assert.False(await requests.Store.ExistsAsync("team/cats-dogs.json.error.json"));
        await durable.WaitRunningAsync(id);
        await durable.FinishAsync(id);
    }

    [Fact]
    public async Task Redelivered_trigger_does_not_start_a_second_merge()
    {
        await AddModelsAsync();
        await DeliverAsync("again.json", StartMergeTests.ValidRequest);
        string id = BlobRunIds.For("again.json");
        // The in-memory backend restamps CreatedAt when the execution actually starts, so read it
        // only once the first merge is running; a second start would then show a later stamp.
        await durable.WaitRunningAsync(id);
        var first = await durable.Client.GetInstanceAsync(id);
        int count = await durable.CountInstancesAsync();

        await Function().Run(StartMergeTests.ValidRequest, "again.json", durable.Client, CancellationToken.None);

        var second = await durable.Client.GetInstanceAsync(id);
        Assert.Equal(first!.CreatedAt, second!.CreatedAt);
        Assert.Equal(count, await durable.CountInstancesAsync());
        var started = await ReadJsonAsync("again.json.started.json");
        Assert.Equal(id, started.GetProperty("id").GetString());
        Assert.True(started.GetProperty("alreadyStarted").GetBoolean());
        Assert.False(started.TryGetProperty("statusUri", out _));
        await durable.FinishAsync(id);
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("""{ "models": [ { "name": "cats", "uri": "models/cats.safetensors" }, { "name": "dogs", "uri": "models/dogs.safetensors" } ], "batch": 3 }""", "batch")]
    [InlineData("""{ "models": [ { "name": "cats", "uri": "models/cats.safetensors" }, { "name": "dogs", "uri": "models/missing.safetensors" } ] }""", "models[1].uri: 'models/missing.safetensors' not found")]
    public async Task MalformedRequestGetsErrorJsonAndStartsNothing(string content, string expected)
    {
        await AddModelsAsync();
        int before = await durable.CountInstancesAsync();
        await DeliverAsync("bad.json", content);

        var error = await ReadJsonAsync("bad.json.error.json");
        Assert.Contains(expected, error.GetProperty("error").GetString());
        Assert.Equal("bad.json", error.GetProperty("blob").GetString());
        Assert.False(await requests.Store.ExistsAsync("bad.json.started.json"));
        Assert.Null(await durable.Client.GetInstanceAsync(BlobRunIds.For("bad.json")));
        Assert.Equal(before, await durable.CountInstancesAsync());
    }

    [Fact]
    public async Task Fixed_request_reuploaded_under_the_same_name_starts_and_clears_the_error()
    {
        await AddModelsAsync();
        await DeliverAsync("fixme.json", """{ "models": [] }""");
        Assert.True(await requests.Store.ExistsAsync("fixme.json.error.json"));

        await DeliverAsync("fixme.json", StartMergeTests.ValidRequest);
        Assert.False(await requests.Store.ExistsAsync("fixme.json.error.json"));
        Assert.True(await requests.Store.ExistsAsync("fixme.json.started.json"));
        string id = BlobRunIds.For("fixme.json");
        Assert.NotNull(await durable.Client.GetInstanceAsync(id));
        await durable.WaitRunningAsync(id);
        await durable.FinishAsync(id);
    }

    [Theory]
    [InlineData("x.json.started.json")]
    [InlineData("x.json.error.json")]
    public async Task Own_answers_are_ignored(string name)
    {
        int before = await durable.CountInstancesAsync();
        await DeliverAsync(name, "{ not a request");
        Assert.Equal([name], await requests.Store.ListAsync());
        Assert.Equal(before, await durable.CountInstancesAsync());
    }

    [Fact]
    public async Task Blob_name_the_store_refuses_still_gets_an_answer_beside_it()
    {
        // Blob names may hold spaces; the answer goes under the nearest name the store accepts.
        await Function().Run("{ broken", "my request.json", durable.Client, CancellationToken.None);
        var error = await ReadJsonAsync("my_request.json.error.json");
        Assert.Equal("my request.json", error.GetProperty("blob").GetString());
    }
}
