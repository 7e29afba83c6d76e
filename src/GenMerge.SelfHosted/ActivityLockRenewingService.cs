using System.Collections.Concurrent;
using DurableTask.Core;
using Microsoft.Extensions.Logging;

namespace GenMerge.SelfHosted;

/// <summary>
/// Wraps an <see cref="IOrchestrationService"/> for the in-process gRPC sidecar, adding what that
/// sidecar's dispatcher lacks: it never renews an activity's lock. On Azure Storage an activity message
/// is invisible only for WorkItemQueueVisibilityTimeout (~30 s here), so a training activity that runs
/// for minutes would be handed out again and run twice. This class renews each activity work item
/// until it is completed or abandoned, and makes StopAsync idempotent (the sidecar and the host
/// both stop the service). It also drains: after <see cref="StopTakingWork"/> it hands out no new work.
/// </summary>
internal sealed class ActivityLockRenewingService : IOrchestrationService
{
    readonly IOrchestrationService inner;
    readonly TimeSpan renewEvery;
    readonly ILogger logger;
    readonly ConcurrentDictionary<string, Renewal> renewals = new();
    readonly CancellationTokenSource stopping = new();
    readonly CancellationTokenSource draining = new();
    int stopped;

    /// <summary>How long a refused fetch waits before it returns nothing (the dispatcher polls again at once).</summary>
    static readonly TimeSpan RefusedFetchDelay = TimeSpan.FromMilliseconds(500);

    sealed record Renewal(TaskActivityWorkItem WorkItem, CancellationTokenSource Cancel, Task Loop);

    public ActivityLockRenewingService(IOrchestrationService inner, TimeSpan renewEvery, ILogger logger)
    {
        this.inner = inner;
        this.renewEvery = renewEvery;
        this.logger = logger;
    }

    /// <summary>Activities this process holds (locked and not yet completed or abandoned).</summary>
    public int ActiveRenewals => renewals.Count;

    /// <summary>From now on no new orchestration or activity work is taken; what is in flight goes on.</summary>
    public void StopTakingWork() => draining.Cancel();

    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        if (draining.IsCancellationRequested) return await RefuseAsync<TaskActivityWorkItem>(cancellationToken);
        TaskActivityWorkItem workItem = await inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
        if (workItem is not null && draining.IsCancellationRequested)
        {
            // Arrived while the drain began: give it back so another worker takes it now.
            await inner.AbandonTaskActivityWorkItemAsync(workItem);
            return null!;
        }
        if (workItem is not null && !stopping.IsCancellationRequested)
        {
            var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            renewals[workItem.Id] = new Renewal(workItem, cts, Task.Run(() => RenewLoopAsync(workItem, cts.Token)));
        }
        return workItem!;
    }

    static async Task<T> RefuseAsync<T>(CancellationToken cancellationToken) where T : class
    {
        try { await Task.Delay(RefusedFetchDelay, cancellationToken); }
        catch (OperationCanceledException) { }
        return null!;
    }

    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        await StopRenewingAsync(workItem);
        await inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
    }

    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        await StopRenewingAsync(workItem);
        await inner.AbandonTaskActivityWorkItemAsync(workItem);
    }

    public async Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) =>
        await inner.RenewTaskActivityWorkItemLockAsync(workItem);

    async Task RenewLoopAsync(TaskActivityWorkItem workItem, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(renewEvery, cancellationToken);
                await inner.RenewTaskActivityWorkItemLockAsync(workItem);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Keep trying: one failed renewal (a storage hiccup) should not cost the activity its lock.
                logger.LogWarning(e, "Renewing the lock of activity work item {WorkItemId} failed", workItem.Id);
            }
        }
    }

    async Task StopRenewingAsync(TaskActivityWorkItem workItem)
    {
        // Wait for an in-flight renewal before completing, so the two storage calls never race.
        if (renewals.TryRemove(workItem.Id, out Renewal? r))
        {
            r.Cancel.Cancel();
            await r.Loop;
            r.Cancel.Dispose();
        }
    }

    /// <summary>
    /// Stops renewals and abandons the activities still held, so that their messages reappear within seconds
    /// for another worker (or, if the abandon fails, after their visibility timeout); then stops the inner service, once.
    /// </summary>
    public async Task StopAsync(bool isForced)
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1) return;
        stopping.Cancel();
        draining.Cancel();
        foreach (var (id, r) in renewals)
        {
            await r.Loop;
            try { await inner.AbandonTaskActivityWorkItemAsync(r.WorkItem); }
            catch (Exception e) { logger.LogWarning(e, "Abandoning activity work item {WorkItemId} failed; it reappears after its visibility timeout", id); }
        }
        renewals.Clear();
        await inner.StopAsync(isForced);
    }

    public Task StopAsync() => StopAsync(false);

    // Everything below passes straight through.
    public Task StartAsync() => inner.StartAsync();
    public Task CreateAsync() => inner.CreateAsync();
    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);
    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();
    public Task DeleteAsync() => inner.DeleteAsync();
    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;
    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);
    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);
    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);
    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;
    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;
    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;
    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;
    // A drain refuses new orchestration episodes; one fetched as the drain began is short and runs to its end.
    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        draining.IsCancellationRequested ? RefuseAsync<TaskOrchestrationWorkItem>(cancellationToken) : inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);
    public Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState, IList<TaskMessage> outboundMessages, IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages, TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState)
    {
        PlainTags(orchestratorMessages);
        if (continuedAsNewMessage is not null) PlainTags(new[] { continuedAsNewMessage });
        return inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
    }

    /// <summary>
    /// The gRPC sidecar hands sub-orchestration start events over with Tags as a protobuf MapField;
    /// DurableTask.AzureStorage writes messages with .NET type names and then cannot read that type
    /// back, so the child never starts. A plain dictionary round-trips.
    /// </summary>
    internal static void PlainTags(IEnumerable<TaskMessage> messages)
    {
        foreach (var m in messages)
            if (m.Event is DurableTask.Core.History.ExecutionStartedEvent e && e.Tags is not null && e.Tags.GetType() != typeof(Dictionary<string, string>))
                e.Tags = new Dictionary<string, string>(e.Tags);
    }
    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);
    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);
}
