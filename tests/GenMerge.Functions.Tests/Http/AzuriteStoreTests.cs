using System.Text.Json;
using GenMerge.Functions.Blobs;
using GenMerge.Functions.Http;
using GenMerge.Api.Merges;
using GenMerge.Functions.Tests.Support;
using GenMerge.Pipeline.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace GenMerge.Functions.Tests.Http;

/// <summary>The starters against blob storage (Azurite), as they run locally under `func start`.</summary>
public sealed class AzuriteStoreTests(FakeMergeHost durable) : IClassFixture<FakeMergeHost>, IAsyncLifetime
{
    readonly string suffix = Guid.NewGuid().ToString("N")[..10];
    BlobArtifactStore artifacts = null!;
    BlobArtifactStore requests = null!;

    public async Task InitializeAsync()
    {
        Azurite.EnsureRunning();
        artifacts = BlobArtifactStore.FromConnectionString(Azurite.ConnectionString, "fn-artifacts-" + suffix);
        requests = BlobArtifactStore.FromConnectionString(Azurite.ConnectionString, "fn-requests-" + suffix);
        await artifacts.WriteTextAsync("models/cats.safetensors", "x");
        await artifacts.WriteTextAsync("models/dogs.safetensors", "x");
    }

    public async Task DisposeAsync()
    {
        await artifacts.Container.DeleteIfExistsAsync();
        await requests.Container.DeleteIfExistsAsync();
    }

    [Fact]
    public async Task Post_checks_model_blobs_in_the_container()
    {
        var function = new StartMergeFunction(new MergeStarter(artifacts), NullLogger<StartMergeFunction>.Instance);
        HttpAnswer ok = await HttpCalls.ExecuteAsync(await function.Run(
            HttpCalls.Request("POST", "/api/merges", StartMergeTests.ValidRequest), durable.Client, CancellationToken.None));
        Assert.Equal(202, ok.Status);
        Assert.NotNull(await durable.Client.GetInstanceAsync(ok.Str("id")));

        await artifacts.DeleteAsync("models/dogs.safetensors");
        HttpAnswer missing = await HttpCalls.ExecuteAsync(await function.Run(
            HttpCalls.Request("POST", "/api/merges", StartMergeTests.ValidRequest), durable.Client, CancellationToken.None));
        Assert.Equal(400, missing.Status);
        Assert.Contains("models[1].uri: 'models/dogs.safetensors' not found", missing.Error);
        Assert.Contains(artifacts.Container.Uri.ToString(), missing.Error);

        await durable.WaitRunningAsync(ok.Str("id"));
        await durable.FinishAsync(ok.Str("id"));
    }

    [Fact]
    public async Task Blob_trigger_answers_with_a_blob_beside_the_request()
    {
        var function = new MergeRequestBlobFunction(new MergeStarter(artifacts), new MergeRequestInbox(requests),
            new ConfigurationBuilder().Build(), NullLogger<MergeRequestBlobFunction>.Instance);
        await requests.WriteTextAsync("nightly/cats-dogs.json", StartMergeTests.ValidRequest);
        await function.Run(StartMergeTests.ValidRequest, "nightly/cats-dogs.json", durable.Client, CancellationToken.None);

        string id = BlobRunIds.For("nightly/cats-dogs.json");
        using var started = JsonDocument.Parse(await requests.ReadTextAsync("nightly/cats-dogs.json.started.json"));
        Assert.Equal(id, started.RootElement.GetProperty("id").GetString());
        Assert.NotNull(await durable.Client.GetInstanceAsync(id));

        await durable.WaitRunningAsync(id);
        await durable.FinishAsync(id);
    }
}
