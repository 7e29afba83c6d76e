using System.Reflection;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Models;
using GenMerge.Functions.Startup;
using GenMerge.Functions.Tasks;
using GenMerge.Functions.Tests.Support;
using GenMerge.Pipeline;
using GenMerge.Pipeline.Activities;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Requests;
using GenMerge.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using GenMerge.SelfHosted;

namespace GenMerge.Functions.Tests.Registration;

/// <summary>The wrappers have the pipeline classes' types, resolve them through DI and really delegate to them.</summary>
public sealed class TaskWrapperTests : IDisposable
{
    readonly TempStore temp = new();

    public void Dispose() => temp.Dispose();

    static MethodInfo WrapperOf(Type task) =>
        typeof(ActivityFunctions).Assembly.GetTypes().SelectMany(t => t.GetMethods())
            .Single(m => m.GetCustomAttribute<FunctionAttribute>()?.Name == task.Name);

    static Type[] GenericArgs(Type type, Type open)
    {
        for (Type? t = type; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == open) return t.GetGenericArguments();
        throw new InvalidOperationException($"{type} does not derive from {open}");
    }

    [Fact]
    public void Activity_wrappers_take_and_return_the_activitys_types()
    {
        foreach (Type activity in PipelineTasks.Activities)
        {
            Type[] io = GenericArgs(activity, typeof(TaskActivity<,>));
            MethodInfo m = WrapperOf(activity);
            ParameterInfo trigger = m.GetParameters().Single(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null);
            Assert.True(io[0] == trigger.ParameterType, $"{activity.Name}: wrapper takes {trigger.ParameterType.Name}, activity takes {io[0].Name}");
            Assert.Equal(typeof(Task<>).MakeGenericType(io[1]), m.ReturnType);
        }
    }

    [Fact]
    public void Orchestrator_wrappers_return_the_orchestrators_output()
    {
        foreach (Type orchestrator in PipelineTasks.Orchestrators)
        {
            Type[] io = GenericArgs(orchestrator, typeof(TaskOrchestrator<,>));
            MethodInfo m = WrapperOf(orchestrator);
            Assert.Single(m.GetParameters(), p => p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null && p.ParameterType == typeof(TaskOrchestrationContext));
            Assert.Equal(typeof(Task<>).MakeGenericType(io[1]), m.ReturnType);
        }
    }

    [Fact]
    public void Every_activity_can_be_built_from_the_apps_services()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [FunctionsSettings.LocalRoot] = temp.Root,
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddGenMergeFunctions(config).BuildServiceProvider();
        using var scope = services.CreateScope();
        foreach (Type activity in PipelineTasks.Activities)
            Assert.IsType(activity, ActivatorUtilities.CreateInstance(scope.ServiceProvider, activity));
        Assert.IsType<LocalFolderStore>(services.GetRequiredService<IArtifactStore>());
    }

    [Fact]
    public async Task Activity_wrapper_runs_the_pipeline_activity_with_the_store_from_DI()
    {
        const string runId = "20250101-000000-abcdef";
        string from = $"runs/{runId}/finetune/seg-0002.safetensors";
        using (var model = GanModel.Create(ModelConfig.Default(ModelConfig.Compact, 16), seed: 2))
            await temp.Store.WriteAsync(from, (s, _) => { Checkpoint.Save(model, s); return Task.CompletedTask; });
        var bytes = await ReadAllAsync(from);
        using var services = new ServiceCollection().AddSingleton<IArtifactStore>(temp.Store).BuildServiceProvider();

        var context = new FakeFunctionContext(services, new Dictionary<string, object?> { ["instanceId"] = runId });
        string merged = await new ActivityFunctions().PublishMerged(new PublishTask(runId, from), context);

        Assert.Equal(new RunArtifacts(temp.Store, runId).Merged, merged);
        Assert.Equal(bytes, await ReadAllAsync(merged));
    }

    async Task<byte[]> ReadAllAsync(string name)
    {
        await using var s = await temp.Store.OpenReadAsync(name);
        var m = new MemoryStream();
        await s.CopyToAsync(m);
        return m.ToArray();
    }

    sealed class EchoContextActivity : TaskActivity<string, string>
    {
        public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult($"{context.Name}|{context.InstanceId}|{input}");
    }

    [Fact]
    public async Task Activity_context_carries_the_activity_name_and_the_callers_instance_id()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var withId = new FakeFunctionContext(services, new Dictionary<string, object?> { ["instanceId"] = "run-9:finetune" });
        Assert.Equal("EchoContextActivity|run-9:finetune|x", await ActivityRunner.RunAsync<EchoContextActivity, string, string>(withId, "x"));
        var without = new FakeFunctionContext(services, new Dictionary<string, object?>());
        Assert.Equal("EchoContextActivity||y", await ActivityRunner.RunAsync<EchoContextActivity, string, string>(without, "y"));
    }

    [Fact]
    public async Task Orchestrator_wrapper_runs_the_pipeline_orchestrator_on_its_input()
    {
        // The real MergeOrchestrator through its wrapper, with stand-in activities under the real
        // names: it must walk every stage, chain the training segments and publish their progress.
        var wrappers = new OrchestratorFunctions();
        var config = GenMerge.Core.Models.ModelConfig.Default("compact", 16);
        var segments = new System.Collections.Concurrent.ConcurrentBag<string>();
        await using var host = await LocalDurableHost.StartAsync(r =>
        {
            r.AddOrchestratorFunc<MergeRunInput, MergeRunResult>(nameof(MergeOrchestrator), (ctx, _) => wrappers.Merge(ctx));
            r.AddActivityFunc<MergeRunInput, List<SourceInfo>>(nameof(ValidateSourcesActivity), (_, i) =>
                i.Request.Models!.Select(m => new SourceInfo(m.Name!, m.Uri!, "sha", config, 10, 20)).ToList());
            r.AddActivityFunc<ShardTask, string>(nameof(GenerateShardActivity), (_, t) => $"shard-{t.Model}-{t.Shard}");
            r.AddActivityFunc<SegmentTask, SegmentResult>(nameof(TrainSegmentActivity), (_, t) =>
            {
                segments.Add($"{t.Job.Job}#{t.Segment}");
                return new SegmentResult($"{t.Job.Job}/seg-{t.Segment}", Math.Min(t.Segment * t.Job.Request.Settings.SegmentSteps, t.Job.TotalSteps), 1.0 / t.Segment, 0.5, 0.01);
            });
            r.AddActivityFunc<InitTask, InitResult>(nameof(InitMergedActivity), (_, _) => new InitResult("init", 11, 21));
            r.AddActivityFunc<PublishTask, string>(nameof(PublishMergedActivity), (_, t) => "merged:" + t.From);
            r.AddActivityFunc<EvalTask, DomainEvalResult>(nameof(EvaluateDomainActivity), (_, t) => new DomainEvalResult(t.Class, 1, 0.1, 1, 0.1, "ref"));
            r.AddActivityFunc<ReportTask, MergeRunResult>(nameof(WriteReportActivity), (_, t) => new MergeRunResult(t.RunId, t.MergedArtifact, "report.json", "report.md"));
        });
        var request = MergeRequest.Parse(Http.StartMergeTests.ValidRequest).With(s => s with { RootingSteps = 25, MergeSteps = 10, SegmentSteps = 10 });

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(MergeOrchestrator), new MergeRunInput("r1", request));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var meta = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        Assert.Equal("merged:finetune/seg-1", meta.ReadOutputAs<MergeRunResult>()!.MergedArtifact);
        var progress = meta.ReadCustomStatusAs<MergeProgress>()!;
        Assert.Equal("done", progress.Stage);
        Assert.Equal(new JobProgress(10, 10, 1.0, 0.5), progress.Jobs["finetune"]);
        var rooted = request.Models!.Skip(1).Select(m => $"rooted/{m.Name}").ToList();
        foreach (var job in rooted)
            Assert.Equal(new[] { 1, 2, 3 }, segments.Where(s => s.StartsWith(job + "#")).Select(s => int.Parse(s[(s.IndexOf('#') + 1)..])).Order());
    }

    [Fact]
    public async Task Orchestrator_wrapper_without_input_fails_naming_what_it_needs()
    {
        var wrappers = new OrchestratorFunctions();
        await using var host = await LocalDurableHost.StartAsync(r =>
            r.AddOrchestratorFunc<MergeRunInput?, MergeRunResult>(nameof(MergeOrchestrator), (ctx, _) => wrappers.Merge(ctx)));
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(MergeOrchestrator));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var meta = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, meta.RuntimeStatus);
        Assert.Contains("needs a MergeRunInput", meta.FailureDetails!.ErrorMessage);
    }
}
