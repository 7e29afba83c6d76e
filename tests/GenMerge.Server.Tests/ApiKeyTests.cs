using System.Net;
using GenMerge.Server.Tests.Support;

namespace GenMerge.Server.Tests;

/// <summary>Off loopback the API needs its key (x-functions-key or ?code=), generated once and kept in the work folder.</summary>
public sealed class ApiKeyTests : IDisposable
{
    readonly string work = Path.Combine(Path.GetTempPath(), "genmerge-serve-key-" + Guid.NewGuid().ToString("N")[..8]);

    ServeOptions Options(string urls) => new() { WorkDir = work, Urls = urls, MaxActivities = 1, TaskHub = "servekeytests" };

    [Fact]
    public async Task A_non_loopback_server_refuses_requests_without_its_key_and_accepts_the_header_or_code()
    {
        string key;
        int port;
        await using (ServeHost host = await ServeHost.StartAsync(Options("http://0.0.0.0:0")))
        {
            Assert.True(host.ApiKeyCreated);
            key = host.ApiKey!;
            Assert.Equal(key, File.ReadAllText(Path.Combine(work, "serve-api-key")).Trim());
            port = host.Addresses[0].Port;
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

            using (var none = await http.GetAsync("/api/merges"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
                Assert.Contains("x-functions-key", await none.Content.ReadAsStringAsync());
            }
            using (var wrong = await http.GetAsync("/api/merges?code=nope"))
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            using (var post = await http.PostAsync("/api/merges", new StringContent(TinySources.Request())))
                Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode); // refused before validation: no 400 leaks

            var withHeader = new HttpRequestMessage(HttpMethod.Get, "/api/merges");
            withHeader.Headers.Add(ApiKeyGate.Header, key);
            using (var ok = await http.SendAsync(withHeader))
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            using (var ok = await http.GetAsync("/api/merges?code=" + Uri.EscapeDataString(key)))
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            // The dashboard's page holds no data; it asks for the key to call the API.
            using (var page = await http.GetAsync("/"))
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        // A restart keeps the key (and does not print a new one).
        await using ServeHost again = await ServeHost.StartAsync(Options("http://0.0.0.0:0"));
        Assert.False(again.ApiKeyCreated);
        Assert.Equal(key, again.ApiKey);
    }

    [Fact]
    public async Task A_loopback_server_needs_no_key()
    {
        await using ServeHost host = await ServeHost.StartAsync(Options("http://127.0.0.1:0"));
        Assert.Null(host.ApiKey);
        Assert.False(File.Exists(Path.Combine(work, "serve-api-key")));
        using var http = new HttpClient { BaseAddress = host.Addresses[0] };
        using var ok = await http.GetAsync("/api/merges");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task No_worker_without_a_persistent_task_hub_is_refused_naming_the_option()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => ServeHost.StartAsync(new ServeOptions { WorkDir = work, Urls = "http://127.0.0.1:0", NoWorker = true }));
        Assert.StartsWith("--no-worker:", e.Message);
    }

    public void Dispose()
    {
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }
}
