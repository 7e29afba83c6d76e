using GenMerge.Api.Http;
using GenMerge.Api.Inbox;
using GenMerge.Api.Merges;
using GenMerge.Pipeline;
using GenMerge.Pipeline.Storage;
using GenMerge.Pipeline.Workers;
using GenMerge.SelfHosted;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GenMerge.Server;

/// <summary>
/// `genmerge serve`: the Functions app's HTTP contract (the same <see cref="MergeHandlers"/>) on Kestrel,
/// the merge-requests inbox, model uploads and the dashboard, over a <see cref="LocalDurableHost"/> that
/// also runs the merges unless <see cref="ServeOptions.NoWorker"/>.
/// </summary>
public sealed class ServeHost : IAsyncDisposable
{
    readonly WebApplication app;
    readonly LocalDurableHost durable;
    readonly CancellationTokenSource stopping = new();
    readonly Task inboxLoop;
    readonly Task lossLoop;
    int disposed;

    ServeHost(WebApplication app, LocalDurableHost durable, IArtifactStore store, MergeRequestInbox inbox, string? apiKey, bool keyCreated, InboxWatcher watcher, LossHistory losses)
    {
        this.app = app;
        this.durable = durable;
        Store = store;
        Inbox = inbox;
        ApiKey = apiKey;
        ApiKeyCreated = keyCreated;
        Addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        Watcher = watcher;
        inboxLoop = Task.Run(() => watcher.RunAsync(stopping.Token));
        lossLoop = Task.Run(() => losses.RunAsync(stopping.Token));
    }

    /// <summary>Where Kestrel listens, with the real ports.</summary>
    public IReadOnlyList<Uri> Addresses { get; }
    public IArtifactStore Store { get; }
    public MergeRequestInbox Inbox { get; }
    public InboxWatcher Watcher { get; }
    public DurableTaskClient Client => durable.Client;
    /// <summary>The key /api/* needs; null on loopback only.</summary>
    public string? ApiKey { get; }
    /// <summary>True when this start generated the key (print it once).</summary>
    public bool ApiKeyCreated { get; }

    public static async Task<ServeHost> StartAsync(ServeOptions options, ILoggerFactory? loggers = null, CancellationToken cancellationToken = default)
    {
        loggers ??= NullLoggerFactory.Instance;
        string[] urls = options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0) throw new ArgumentException("--urls: give at least one URL, e.g. http://127.0.0.1:7071");
        if (options.MaxActivities < 1) throw new ArgumentException($"--max-activities: must be at least 1, found {options.MaxActivities}");
        if (options.MaxModelBytes < 1) throw new ArgumentException($"--max-model-mib: must be positive");
        string? storage = string.IsNullOrWhiteSpace(options.Storage) ? null : options.Storage.Trim();
        // A connection string also hosts a persistent task hub; otherwise the hub lives in this process's memory.
        string? durableConnection = storage is not null && ArtifactStores.IsConnectionString(storage) ? storage : null;
        if (options.NoWorker && durableConnection is null)
            throw new ArgumentException("--no-worker: needs --storage with a connection string; without it the task hub is in this process's memory and no other worker could run the merges");
        if (options.ModelsDir is { } dir && !Directory.Exists(dir))
            throw new DirectoryNotFoundException($"--models: folder '{dir}' does not exist");

        IArtifactStore store = ArtifactStores.FromSetting(storage, Path.Combine(options.WorkDir, "store"), options.Container);
        if (options.ModelsDir is { } models) store = new ModelsFolderStore(store, models);
        var inbox = new MergeRequestInbox(durableConnection is not null
            ? BlobArtifactStore.FromConnectionString(durableConnection, options.InboxContainer)
            : new LocalFolderStore(Path.Combine(options.WorkDir, "inbox")));

        (string? key, bool created) = ApiKeyGate.AllLoopback(urls) ? (null, false) : ApiKeyGate.LoadOrCreate(options.KeyFile);

        // The in-process worker records itself like any `genmerge worker`, so report.json's `workers` names it.
        LocalDurableHost durable = await LocalDurableHost.StartAsync(r => { if (!options.NoWorker) r.AddGenMergeTasks(new WorkerIdentity(LocalMergeRunner.InProcessWorkerId)); }, new LocalDurableHostOptions
        {
            WorkerId = LocalMergeRunner.InProcessWorkerId,
            Backend = durableConnection is null ? DurableBackend.InMemory : DurableBackend.AzureStorage,
            StorageConnectionString = durableConnection ?? "",
            TaskHubName = options.TaskHub,
            MaxConcurrentActivities = options.MaxActivities,
            ClientOnly = options.NoWorker,
            LoggerFactory = loggers,
            ConfigureServices = services => services.AddSingleton(store),
        }, cancellationToken);

        WebApplication? app = null;
        try
        {
            var losses = new LossHistory(durable.Client, options.ProgressPollInterval, loggers.CreateLogger("GenMerge.Server.Losses"));
            app = BuildApp(urls, options, store, durable.Client, losses, loggers, key);
            await app.StartAsync(cancellationToken);
            ILogger log = loggers.CreateLogger("GenMerge.Server.Inbox");
            var starter = new MergeStarter(store);
            ServeHost? self = null;
            var watcher = new InboxWatcher(inbox, new MergeRequestIntake(starter, inbox, log), durable.Client,
                () => self?.Addresses.FirstOrDefault()?.GetLeftPart(UriPartial.Authority), options.InboxPollInterval, log);
            self = new ServeHost(app, durable, store, inbox, key, created, watcher, losses);
            return self;
        }
        catch
        {
            if (app is not null) await app.DisposeAsync();
            await durable.DisposeAsync();
            throw;
        }
    }

    static WebApplication BuildApp(string[] urls, ServeOptions options, IArtifactStore store, DurableTaskClient client, LossHistory losses, ILoggerFactory loggers, string? key)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(ServeHost).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>(); // the CLI (or the test) owns Ctrl+C and stopping
        builder.WebHost.UseUrls(urls);
        // The two handlers that read bodies count them against their own limits (1 MiB for a merge request,
        // --max-model-mib for a checkpoint) and answer 413 with a message; Kestrel's 30 MB cut-off would answer first.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(client);
        builder.Services.AddSingleton(new MergeStarter(store));

        WebApplication app = builder.Build();
        if (key is not null) app.Use(ApiKeyGate.Middleware(key));
        ILogger log = loggers.CreateLogger("GenMerge.Server.Api");
        string merges = "/api/" + MergeLinks.CollectionRoute;

        app.MapPost(merges, (HttpRequest r, MergeStarter s, CancellationToken ct) => MergeHandlers.StartAsync(r, client, s, log, ct));
        app.MapGet(merges, (HttpRequest r, CancellationToken ct) => MergeHandlers.ListAsync(r, client, ct));
        app.MapGet(merges + "/{id}", (HttpRequest r, string id, CancellationToken ct) => MergeHandlers.GetAsync(r, id, client, store, ct));
        app.MapPost(merges + "/{id}/terminate", (HttpRequest r, string id, CancellationToken ct) => MergeHandlers.TerminateAsync(r, id, client, log, ct));
        app.MapDelete(merges + "/{id}", (HttpRequest r, string id, CancellationToken ct) => MergeHandlers.PurgeAsync(r, id, client, store, log, ct));
        app.MapGet(merges + "/{id}/losses", (string id) => new JsonBodyResult(StatusCodes.Status200OK, losses.Get(id)));
        app.MapGet(merges + "/{id}/files", (HttpRequest r, string id, CancellationToken ct) => ArtifactHandlers.ListAsync(r, id, store, ct));
        app.MapGet(merges + "/{id}/files/{**path}", (string id, string path, CancellationToken ct) => ArtifactHandlers.GetAsync(id, path, store, ct));
        app.MapPut("/api/models/{name}", (HttpContext c, string name, CancellationToken ct) =>
            ModelUploadHandler.PutAsync(c, name, store, options.MaxModelBytes, log, ct));
        app.MapGet("/", () => DashboardFiles.Get("index.html"));
        app.MapGet("/dashboard/{file}", (string file) => DashboardFiles.Get(file));
        return app;
    }

    /// <summary>Stops the inbox, then the web server, then the Durable host (in-flight activities are abandoned).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        stopping.Cancel();
        try { await inboxLoop; } catch (OperationCanceledException) { }
        try { await lossLoop; } catch (OperationCanceledException) { }
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        await durable.DisposeAsync();
        stopping.Dispose();
    }
}
