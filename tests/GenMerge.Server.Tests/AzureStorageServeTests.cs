using System.Net;
using System.Text.Json;
using GenMerge.Pipeline.Storage;
using GenMerge.Server.Tests.Support;
using GenMerge.Tests;

namespace GenMerge.Server.Tests;

/// <summary>`serve --storage` on Azurite: artifacts and the inbox in Blob Storage, the persistent task hub, and --no-worker.</summary>
public sealed class AzureStorageServeTests
{
    [Fact]
    public async Task With_storage_a_request_blob_starts_a_merge_and_an_api_only_server_sees_the_same_task_hub()
    {
        Azurite.EnsureRunning();
        string hub = Azurite.UniqueName("serve");
        string work = Path.Combine(Path.GetTempPath(), hub);
        var options = new ServeOptions
        {
            Storage = Azurite.ConnectionString, WorkDir = work, Urls = "http://127.0.0.1:0", MaxActivities = 1, TaskHub = hub,
            Container = Azurite.UniqueName("art"), InboxContainer = Azurite.UniqueName("inbox"), InboxPollInterval = TimeSpan.FromMilliseconds(300),
        };
        await using ServeHost host = await ServeHost.StartAsync(options);
        Assert.Contains(options.Container, host.Store.Description);
        for (int i = 0; i < TinySources.Domains.Length; i++)
        {
            string file = Path.Combine(work, $"{i}.safetensors");
            Directory.CreateDirectory(work);
            TinySources.Write(i, file);
            await host.Store.UploadFileAsync($"models/{TinySources.Domains[i]}.safetensors", file);
        }

        await host.Inbox.Store.WriteTextAsync("requests/bad.json", TinySources.Request("\"merge_steps\":-5"));
        await host.Inbox.Store.WriteTextAsync("requests/good.json", TinySources.Request());
        string started = await WaitForAsync(host.Inbox.Store, "requests/good.json.started.json");
        string id = JsonDocument.Parse(started).RootElement.GetProperty("id").GetString()!;
        Assert.Contains("merge_steps", await WaitForAsync(host.Inbox.Store, "requests/bad.json.error.json"));

        using var http = new HttpClient { BaseAddress = host.Addresses[0] };
        using (var status = await http.GetAsync($"/api/merges/{id}"))
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);

        // An API-only server on the same hub lists the run the first one started.
        await using ServeHost apiOnly = await ServeHost.StartAsync(new ServeOptions
        {
            Storage = Azurite.ConnectionString, WorkDir = work, Urls = "http://127.0.0.1:0", TaskHub = hub, NoWorker = true,
            Container = options.Container, InboxContainer = options.InboxContainer,
        });
        using var api = new HttpClient { BaseAddress = apiOnly.Addresses[0] };
        string list = await api.GetStringAsync("/api/merges");
        Assert.Contains(id, list);
        using (var stop = await api.PostAsync($"/api/merges/{id}/terminate", null))
            Assert.True(stop.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, stop.StatusCode.ToString());
    }

    static async Task<string> WaitForAsync(IArtifactStore store, string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await store.ExistsAsync(name)) return await store.ReadTextAsync(name);
            await Task.Delay(200);
        }
        throw new TimeoutException($"{name} did not appear in {store.Description} within 60 s");
    }
}
