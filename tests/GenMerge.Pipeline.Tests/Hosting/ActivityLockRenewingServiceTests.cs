using System.Collections.Concurrent;
using System.Reflection;
using DurableTask.Core;
using Microsoft.Extensions.Logging.Abstractions;
using GenMerge.SelfHosted;

namespace GenMerge.Pipeline.Tests.Hosting;

public sealed class ActivityLockRenewingServiceTests
{
    /// <summary>An orchestration service that only records which members were called.</summary>
    public class RecordingService : DispatchProxy
    {
        public readonly ConcurrentDictionary<string, int> Calls = new();
        public readonly TaskActivityWorkItem Item = new() { Id = "w1", LockedUntilUtc = DateTime.UtcNow };

        public int CallsTo(string name) => Calls.GetValueOrDefault(name);

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            Calls.AddOrUpdate(method!.Name, 1, (_, n) => n + 1);
            if (method.ReturnType == typeof(Task<TaskActivityWorkItem>)) return Task.FromResult(Item);
            if (method.ReturnType == typeof(Task)) return Task.CompletedTask;
            throw new NotSupportedException(method.Name);
        }
    }

    static (ActivityLockRenewingService Service, RecordingService Inner) Create()
    {
        IOrchestrationService proxy = DispatchProxy.Create<IOrchestrationService, RecordingService>();
        return (new ActivityLockRenewingService(proxy, TimeSpan.FromMilliseconds(100), NullLogger.Instance), (RecordingService)(object)proxy);
    }

    [Fact]
    public async Task Renews_locked_activities_until_completed()
    {
        var (service, inner) = Create();
        TaskActivityWorkItem item = await service.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Same(inner.Item, item);
        // Renewed again and again while the activity runs (polled: timers are coarse on a busy machine).
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (inner.CallsTo(nameof(IOrchestrationService.RenewTaskActivityWorkItemLockAsync)) < 3 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.True(inner.CallsTo(nameof(IOrchestrationService.RenewTaskActivityWorkItemLockAsync)) >= 3, "the lock was not renewed repeatedly");

        await service.CompleteTaskActivityWorkItemAsync(item, new TaskMessage());
        int atCompletion = inner.CallsTo(nameof(IOrchestrationService.RenewTaskActivityWorkItemLockAsync));
        await Task.Delay(300);
        Assert.Equal(atCompletion, inner.CallsTo(nameof(IOrchestrationService.RenewTaskActivityWorkItemLockAsync)));
        Assert.Equal(1, inner.CallsTo(nameof(IOrchestrationService.CompleteTaskActivityWorkItemAsync)));
        Assert.Equal(0, service.ActiveRenewals);
    }

    [Fact]
    public async Task Abandon_and_stop_end_renewals_and_stop_is_idempotent()
    {
        var (service, inner) = Create();
        TaskActivityWorkItem item = await service.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(1), CancellationToken.None);
        await service.AbandonTaskActivityWorkItemAsync(item);
        Assert.Equal(0, service.ActiveRenewals);

        await service.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal(1, service.ActiveRenewals);
        await service.StopAsync(isForced: true);
        await service.StopAsync();
        Assert.Equal(0, service.ActiveRenewals);
        Assert.Equal(1, inner.CallsTo(nameof(IOrchestrationService.StopAsync)));
    }

    [Fact]
    public async Task After_stop_taking_work_nothing_is_fetched_and_stop_abandons_what_is_held()
    {
        var (service, inner) = Create();
        await service.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(1), CancellationToken.None);
        service.StopTakingWork();
        Assert.Null(await service.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Null(await service.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Equal(1, inner.CallsTo(nameof(IOrchestrationService.LockNextTaskActivityWorkItem)));
        Assert.Equal(0, inner.CallsTo(nameof(IOrchestrationService.LockNextTaskOrchestrationWorkItemAsync)));
        Assert.Equal(1, service.ActiveRenewals); // the held activity goes on

        await service.StopAsync(isForced: true);
        Assert.Equal(1, inner.CallsTo(nameof(IOrchestrationService.AbandonTaskActivityWorkItemAsync)));
        Assert.Equal(0, service.ActiveRenewals);
    }
}
