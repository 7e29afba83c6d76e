using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GenMerge.Pipeline.Storage;
using GenMerge.Pipeline.Telemetry;

namespace GenMerge.Server.Tests.Support;

/// <summary>
/// One `genmerge serve` (in process, on a free loopback port, --work in a temp folder, --max-activities 1)
/// with the tiny sources in its store, and a real HttpClient on it. Counts how many pipeline activities
/// run at once, from their genmerge.* spans.
/// </summary>
public sealed class ServeFixture : IAsyncLifetime
{
    public const int MaxActivities = 1;
    public const long MaxModelBytes = 4 << 20;

    readonly ActivityListener listener;
    int running;
    int peak;
    int seen;

    public ServeFixture()
    {
        Work = Path.Combine(Path.GetTempPath(), "genmerge-serve-" + Guid.NewGuid().ToString("N")[..8]);
        listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == GenMergeTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = _ => { Interlocked.Increment(ref seen); int n = Interlocked.Increment(ref running); InterlockedMax(ref peak, n); },
            ActivityStopped = _ => Interlocked.Decrement(ref running),
        };
        ActivitySource.AddActivityListener(listener);
    }

    public string Work { get; }
    public ServeHost Host { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public Uri Base => Host.Addresses[0];
    /// <summary>Most pipeline activity spans open at the same time so far, and how many opened.</summary>
    public (int Peak, int Seen) Activities => (Volatile.Read(ref peak), Volatile.Read(ref seen));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Work);
        var store = new LocalFolderStore(Path.Combine(Work, "store"));
        for (int i = 0; i < TinySources.Domains.Length; i++)
        {
            string file = Path.Combine(Work, TinySources.Domains[i] + ".safetensors");
            TinySources.Write(i, file);
            await store.UploadFileAsync($"models/{TinySources.Domains[i]}.safetensors", file);
        }
        Host = await ServeHost.StartAsync(new ServeOptions
        {
            WorkDir = Work, Urls = "http://127.0.0.1:0", MaxActivities = MaxActivities, MaxModelBytes = MaxModelBytes,
            TaskHub = "servetests", InboxPollInterval = TimeSpan.FromMilliseconds(200),
        });
        Http = new HttpClient { BaseAddress = Base, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, HttpContent? content = null, bool expectContinue = false)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (expectContinue) request.Headers.ExpectContinue = true;
        using var response = await Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> PostMergeAsync(string json) =>
        SendAsync(HttpMethod.Post, "/api/merges", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    /// <summary>Polls GET /api/merges/{id} until the run is Completed, Failed or Terminated.</summary>
    public async Task<JsonElement> WaitFinishedAsync(string id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            var (status, body) = await SendAsync(HttpMethod.Get, $"/api/merges/{id}");
            Assert.Equal(HttpStatusCode.OK, status);
            last = body;
            if (body.GetProperty("runtimeStatus").GetString() is "Completed" or "Failed" or "Terminated") return body;
            await Task.Delay(500);
        }
        throw new TimeoutException($"merge {id} not finished within {timeout}: {last}");
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
        listener.Dispose();
        try { Directory.Delete(Work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}

/// <summary>The serve tests share one server and run one at a time (the machine has two cores).</summary>
[CollectionDefinition(Name)]
public sealed class ServeCollection : ICollectionFixture<ServeFixture>
{
    public const string Name = "serve";
}
