using System.Diagnostics;
using Azure.Storage.Queues;
using Microsoft.DurableTask.Client;
using static GenMerge.Pipeline.Tests.Hosting.TestTasks;
using GenMerge.SelfHosted;

namespace GenMerge.Pipeline.Tests.Hosting;

public sealed class LocalDurableHostTests
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    static LocalDurableHostOptions AzuriteOptions(string hub) => new()
    {
        Backend = DurableBackend.AzureStorage,
        StorageConnectionString = Azurite.ConnectionString,
        TaskHubName = hub,
        WorkerId = "genmerge-tests",
        // Short, so a message orphaned by a stopped host comes back within the test's time.
        WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(3),
        ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(3),
        MaxQueuePollingInterval = TimeSpan.FromMilliseconds(500),
        ShutdownTimeout = TimeSpan.FromSeconds(2),
    };

    static async Task<OrchestrationMetadata> RunFanOutAsync(LocalDurableHost host, string key, int width)
    {
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", new FanOutInput(key, width));
        using var cts = new CancellationTokenSource(Patience);
        return await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
    }

    static void AssertFanOutDone(OrchestrationMetadata done, string key, int width)
    {
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        int sum = Enumerable.Range(1, width).Sum(i => i * i);
        Assert.Equal($"{sum} opened", done.ReadOutputAs<string>());
        for (int i = 1; i <= width; i++) Assert.Equal(1, Count($"{key}/square/{i}"));
    }

    /// <summary>A fresh Azurite task hub and run key whose gate activity blocks until <c>block</c> is released.</summary>
    static (string Hub, string Key, TaskCompletionSource Block) GatedRun()
    {
        Azurite.EnsureRunning();
        string key = Guid.NewGuid().ToString("N");
        var block = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Blocked[key] = block;
        return (Azurite.UniqueName("t"), key, block);
    }

    /// <summary>Waits until the blocked gate activity of run <paramref name="key"/> is running.</summary>
    static async Task GateStartedAsync(string key, string where)
    {
        var sw = Stopwatch.StartNew();
        while (Count($"{key}/gate") == 0)
        {
            Assert.True(sw.Elapsed < Patience, $"the gate activity never started {where}".Trim());
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Fan_out_completes_in_memory()
    {
        string key = Guid.NewGuid().ToString("N");
        await using var host = await LocalDurableHost.StartAsync(Register);
        Assert.Equal(DurableBackend.InMemory, host.Backend);
        Assert.Equal("127.0.0.1", host.SidecarAddress.Host);
        AssertFanOutDone(await RunFanOutAsync(host, key, 5), key, 5);
    }

    [Fact]
    public async Task Fan_out_completes_on_azurite()
    {
        Azurite.EnsureRunning();
        string key = Guid.NewGuid().ToString("N");
        await using var host = await LocalDurableHost.StartAsync(Register, AzuriteOptions(Azurite.UniqueName("t")));
        AssertFanOutDone(await RunFanOutAsync(host, key, 4), key, 4);
        // Orchestration state is queryable through the same client.
        // (Iterated by hand: System.Linq.Async arrives transitively and clashes with .NET 10's own async LINQ.)
        var found = new List<string>();
        await foreach (OrchestrationMetadata m in host.Client.GetAllInstancesAsync(new OrchestrationQuery()))
            found.Add(m.InstanceId);
        Assert.Single(found);
    }

    [Fact]
    public async Task New_host_resumes_without_rerunning_finished_activities()
    {
        var (hub, key, block) = GatedRun();
        string id;

        await using (var first = await LocalDurableHost.StartAsync(Register, AzuriteOptions(hub)))
        {
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", new FanOutInput(key, 3));
            // Wait until the squares are done and the gate activity is running (and stuck).
            await GateStartedAsync(key, "on the first host");
            Assert.Equal(OrchestrationRuntimeStatus.Running, (await first.Client.GetInstanceAsync(id))!.RuntimeStatus);
        } // first host stops while the gate activity is in flight

        // The orphaned activity on the stopped host may now finish; its result has nowhere to go.
        Blocked.TryRemove(key, out _);
        block.SetResult();

        await using var second = await LocalDurableHost.StartAsync(Register, AzuriteOptions(hub));
        using var cts = new CancellationTokenSource(Patience);
        OrchestrationMetadata done = await second.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        AssertFanOutDone(done, key, 3); // each square ran exactly once, across both hosts
        Assert.Equal(2, Count($"{key}/gate")); // the in-flight one ran again on the new host, once
    }

    [Fact]
    public async Task Long_activity_keeps_its_lock_and_runs_once()
    {
        var (hub, key, block) = GatedRun();
        await using var host = await LocalDurableHost.StartAsync(Register, AzuriteOptions(hub));
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", new FanOutInput(key, 1));
        // Hold the activity well past its visibility timeout (3 s): without lock renewal its
        // message would reappear and the gate would run a second time.
        var sw = Stopwatch.StartNew();
        while (Count($"{key}/gate") == 0 && sw.Elapsed < Patience) await Task.Delay(50);
        await Task.Delay(TimeSpan.FromSeconds(5));
        Blocked.TryRemove(key, out _);
        block.SetResult();
        using var cts = new CancellationTokenSource(Patience);
        OrchestrationMetadata done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        AssertFanOutDone(done, key, 1);
        Assert.Equal(1, Count($"{key}/gate"));

        // Completing deleted the activity's message. Had its lock lapsed, the message would have been
        // dequeued again meanwhile (new pop receipt), the delete would have missed, and the message
        // would come back to run the activity a second time.
        var workItems = new QueueClient(Azurite.ConnectionString, hub.ToLowerInvariant() + "-workitems");
        Assert.Equal(0, (await workItems.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_client_only_host_starts_work_it_does_not_run_and_a_worker_on_the_hub_runs_it()
    {
        Azurite.EnsureRunning();
        string hub = Azurite.UniqueName("t");
        string key = Guid.NewGuid().ToString("N");
        var clientOptions = AzuriteOptions(hub);
        clientOptions.ClientOnly = true;
        clientOptions.WorkerId = "genmerge-tests-client";
        await using var client = await LocalDurableHost.StartAsync(Register, clientOptions);
        string id = await client.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", new FanOutInput(key, 2));
        // Long enough for a dispatching host to have run the squares (visibility 3 s, polling 0.5 s).
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(0, Count($"{key}/square/1"));
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await client.Client.GetInstanceAsync(id))!.RuntimeStatus);

        await using var worker = await LocalDurableHost.StartAsync(Register, AzuriteOptions(hub));
        using var cts = new CancellationTokenSource(Patience);
        AssertFanOutDone(await client.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token), key, 2);
    }

    [Fact]
    public async Task Drain_waits_for_the_running_activity_and_then_takes_no_new_work()
    {
        var (hub, key, block) = GatedRun();
        string id;
        await using (var first = await LocalDurableHost.StartAsync(Register, AzuriteOptions(hub)))
        {
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync("GateThenSquare", new FanOutInput(key, 3));
            await GateStartedAsync(key, "");
            var drain = first.DrainAsync(Patience);
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(drain.IsCompleted, "the drain did not wait for the running activity");
            Assert.Equal(1, first.ActivitiesInFlight);
            Blocked.TryRemove(key, out _);
            block.SetResult();
            Assert.True(await drain, "the activity finished but the drain did not see it");
            Assert.Equal(0, first.ActivitiesInFlight);
            // The square, scheduled after the gate, is not taken by the drained host.
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.Equal(0, Count($"{key}/square/3"));
        }
        await using var second = await LocalDurableHost.StartAsync(Register, AzuriteOptions(hub));
        using var cts = new CancellationTokenSource(Patience);
        var done = await second.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("9 opened", done.ReadOutputAs<string>());
        Assert.Equal(1, Count($"{key}/gate")); // finished during the drain, not run again
        Assert.Equal(1, Count($"{key}/square/3"));
    }

    [Fact]
    public async Task Bad_task_hub_name_is_rejected_before_anything_starts()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => LocalDurableHost.StartAsync(Register, new LocalDurableHostOptions { TaskHubName = "bad-hub" }));
        Assert.Contains("'bad-hub'", e.Message);
    }
}
