using System.Net;
using DurableTask.AzureStorage;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using IOrchestrationService = DurableTask.Core.IOrchestrationService;
using IOrchestrationServiceClient = DurableTask.Core.IOrchestrationServiceClient;

namespace GenMerge.SelfHosted;

/// <summary>
/// Runs orchestrators and activities in this process, the way the Functions host runs them in Azure:
/// a gRPC sidecar (the InProcessTestHost package's TaskHubGrpcServer on a Kestrel HTTP/2 port on
/// 127.0.0.1) over a backend, and the ordinary Microsoft.DurableTask worker and client connected to it.
/// Backends: in memory, or Azure Storage/Azurite, where orchestrations survive a restart: a new host
/// on the same task hub resumes them and does not re-run activities that had finished. Several hosts
/// (processes, machines) on one Azure Storage task hub share its work. A client-only host
/// (<see cref="LocalDurableHostOptions.ClientOnly"/>) starts and queries orchestrations but runs none.
/// </summary>
public sealed class LocalDurableHost : IAsyncDisposable
{
    readonly IHost sidecar;
    readonly IHost worker;
    readonly GrpcChannel channel;
    readonly ActivityLockRenewingService? renewing;
    int disposed;

    LocalDurableHost(IHost sidecar, IHost worker, GrpcChannel channel, ActivityLockRenewingService? renewing, LocalDurableHostOptions options, Uri address)
    {
        this.sidecar = sidecar;
        this.worker = worker;
        this.channel = channel;
        this.renewing = renewing;
        Backend = options.Backend;
        TaskHubName = options.TaskHubName;
        SidecarAddress = address;
        Client = worker.Services.GetRequiredService<DurableTaskClient>();
    }

    /// <summary>Schedules, queries, waits for, terminates and purges orchestrations.</summary>
    public DurableTaskClient Client { get; }

    /// <summary>The worker's services (those added by <see cref="LocalDurableHostOptions.ConfigureServices"/> included).</summary>
    public IServiceProvider Services => worker.Services;

    public DurableBackend Backend { get; }
    public string TaskHubName { get; }

    /// <summary>Activities this host holds now (Azure Storage backend; 0 otherwise).</summary>
    public int ActivitiesInFlight => renewing?.ActiveRenewals ?? 0;

    /// <summary>
    /// Stops taking new orchestration and activity work and waits, up to <paramref name="timeout"/>, for the
    /// activities in flight to finish; true when none is left. Dispose afterwards: what is still running is then
    /// abandoned, and another worker takes it. Only the Azure Storage backend drains; in memory this returns at once.
    /// </summary>
    public async Task<bool> DrainAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (renewing is null) return true;
        renewing.StopTakingWork();
        var deadline = DateTime.UtcNow + timeout;
        while (renewing.ActiveRenewals > 0)
        {
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
        return true;
    }

    /// <summary>The sidecar's gRPC address (http://127.0.0.1:port).</summary>
    public Uri SidecarAddress { get; }

    /// <summary>Starts the backend, the sidecar and the worker; <paramref name="registerTasks"/> adds the orchestrators and activities.</summary>
    public static async Task<LocalDurableHost> StartAsync(
        Action<DurableTaskRegistry> registerTasks,
        LocalDurableHostOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registerTasks);
        options ??= new LocalDurableHostOptions();
        options.Validate();
        ILoggerFactory loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;

        IOrchestrationService service;
        IOrchestrationServiceClient serviceClient;
        ActivityLockRenewingService? renewing = null;
        if (options.Backend == DurableBackend.AzureStorage)
        {
            var azure = await CreateAzureStorageServiceAsync(options, loggerFactory, cancellationToken);
            // A client-only host never starts the service (nothing dispatches), so there is nothing to renew or stop:
            // stopping a service that never started throws inside DurableTask.AzureStorage.
            renewing = options.ClientOnly ? null : new ActivityLockRenewingService(azure, options.WorkItemQueueVisibilityTimeout / 3,
                loggerFactory.CreateLogger<LocalDurableHost>());
            service = renewing ?? (IOrchestrationService)azure;
            serviceClient = azure; // the client side needs no renewal; keeps its query/purge interfaces visible
        }
        else
        {
            var memory = new BoundedInMemoryService(loggerFactory, options.MaxConcurrentActivities);
            service = memory;
            serviceClient = memory;
        }

        IHost? sidecar = null;
        GrpcChannel? channel = null;
        try
        {
            sidecar = BuildSidecar(service, serviceClient, options.Port, options.ClientOnly, loggerFactory);
            // Constructed before start so it sees ApplicationStarted and starts its dispatchers then.
            sidecar.Services.GetRequiredService<TaskHubGrpcServer>();
            await sidecar.StartAsync(cancellationToken);
            Uri address = BoundAddress(sidecar);

            channel = GrpcChannel.ForAddress(address);
            IHost worker = BuildWorker(channel, registerTasks, options, loggerFactory);
            await worker.StartAsync(cancellationToken);
            return new LocalDurableHost(sidecar, worker, channel, renewing, options, address);
        }
        catch
        {
            channel?.Dispose();
            if (sidecar is not null)
            {
                await sidecar.StopAsync(CancellationToken.None);
                sidecar.Dispose();
            }
            if (renewing is not null) await renewing.StopAsync(isForced: true);
            throw;
        }
    }

    static async Task<AzureStorageOrchestrationService> CreateAzureStorageServiceAsync(
        LocalDurableHostOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(options.StorageConnectionString),
            WorkerId = options.WorkerId,
            WorkItemQueueVisibilityTimeout = options.WorkItemQueueVisibilityTimeout,
            ControlQueueVisibilityTimeout = options.ControlQueueVisibilityTimeout,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            PartitionCount = options.PartitionCount,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            LoggerFactory = loggerFactory,
        };
        var service = new AzureStorageOrchestrationService(settings);
        try
        {
            // The sidecar never creates the task hub's queues, tables and containers itself.
            await service.CreateIfNotExistsAsync().WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException(
                $"Could not create or open Durable task hub '{options.TaskHubName}' in Azure Storage ({Describe(options.StorageConnectionString)}): {e.Message}. " +
                "Is Azurite running (scripts/azurite.sh start) or the connection string right?", e);
        }
        return service;
    }

    static IHost BuildSidecar(IOrchestrationService service, IOrchestrationServiceClient client, int port, bool clientOnly, ILoggerFactory loggerFactory) =>
        new HostBuilder()
            .ConfigureWebHost(web => web
                .UseKestrel(k => k.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2))
                .ConfigureServices(services =>
                {
                    services.AddSingleton(loggerFactory);
                    services.AddRouting();
                    services.AddGrpc();
                    services.AddSingleton(service);
                    services.AddSingleton(client);
                    // ApiServerOnly never starts the dispatchers, so the backend is not started either: no partition
                    // leases taken, no queue polled, nothing of the task hub's work taken by this process.
                    services.Configure<TaskHubGrpcServerOptions>(o => o.Mode = clientOnly ? TaskHubGrpcServerMode.ApiServerOnly : TaskHubGrpcServerMode.ApiServerAndDispatcher);
                    services.AddSingleton<TaskHubGrpcServer>();
                })
                .Configure(app =>
                {
                    app.UseRouting();
                    app.UseEndpoints(e => e.MapGrpcService<TaskHubGrpcServer>());
                }))
            .ConfigureServices(services => services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>())
            .Build();

    static IHost BuildWorker(GrpcChannel channel, Action<DurableTaskRegistry> registerTasks, LocalDurableHostOptions options, ILoggerFactory loggerFactory) =>
        new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddSingleton(loggerFactory);
                services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
                services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
                options.ConfigureServices?.Invoke(services);
                if (!options.ClientOnly)
                    services.AddDurableTaskWorker(b =>
                    {
                        b.AddTasks(registerTasks);
                        b.UseGrpc(channel);
                        b.Configure(o => o.Concurrency.MaximumConcurrentActivityWorkItems = options.MaxConcurrentActivities);
                    });
                services.AddDurableTaskClient(b =>
                {
                    b.UseGrpc(channel);
                    b.RegisterDirectly();
                });
            })
            .Build();

    static Uri BoundAddress(IHost sidecar)
    {
        var addresses = sidecar.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        string? first = addresses?.FirstOrDefault();
        if (first is null) throw new InvalidOperationException("The Durable sidecar started but reports no listening address.");
        // Kestrel reports 127.0.0.1:port for Listen(IPAddress.Loopback, 0) with the real port.
        return new Uri(first);
    }

    static string Describe(string connectionString) =>
        connectionString.Contains("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase) ? "Azurite, UseDevelopmentStorage=true" : "the given connection string";

    /// <summary>
    /// Stops the worker, the sidecar and the backend. On Azure Storage, work still in flight stays in
    /// the task hub: a later host on the same hub picks it up once its messages become visible again
    /// (within the visibility timeouts). Activity code that is still running is not awaited.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        try
        {
            await worker.StopAsync(CancellationToken.None);
        }
        finally
        {
            worker.Dispose();
            await channel.ShutdownAsync();
            channel.Dispose();
            await sidecar.StopAsync(CancellationToken.None);
            // Releases partition leases and stops polling, even while the sidecar still waits for
            // activity results that the stopped worker will never send. Without a worker the sidecar
            // never started the service (API only), and stopping it would fail.
            if (renewing is not null) await renewing.StopAsync(isForced: true);
            sidecar.Dispose();
        }
    }
}
