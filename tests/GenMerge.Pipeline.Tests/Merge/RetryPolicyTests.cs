using GenMerge.Pipeline.Activities;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Requests;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using GenMerge.SelfHosted;

namespace GenMerge.Pipeline.Tests.Merge;

/// <summary>
/// The real MergeOrchestrator with a stand-in validation activity: user errors fail the run at once,
/// anything else is retried by the activity retry policy.
/// </summary>
public class RetryPolicyTests
{
    const string Request = """{"models":[{"name":"a","uri":"m/a.safetensors"},{"name":"b","uri":"m/b.safetensors"}]}""";

    static async Task<(OrchestrationMetadata Run, int Calls)> RunAsync(Func<int, List<SourceInfo>> validate)
    {
        int calls = 0;
        await using var host = await LocalDurableHost.StartAsync(r =>
        {
            r.AddOrchestrator<MergeOrchestrator>();
            r.AddActivityFunc<MergeRunInput, List<SourceInfo>>(nameof(ValidateSourcesActivity),
                (_, _) => validate(Interlocked.Increment(ref calls)));
        });
        var input = new MergeRunInput("retry-test", MergeRequest.Parse(Request));
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(MergeOrchestrator), input, new StartOrchestrationOptions(input.RunId));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = await host.Client.WaitForInstanceCompletionAsync(input.RunId, getInputsAndOutputs: true, cts.Token);
        return (run, calls);
    }

    static string RootCause(OrchestrationMetadata run)
    {
        var f = run.FailureDetails!;
        while (f.InnerFailure is not null) f = f.InnerFailure;
        return f.ErrorMessage;
    }

    [Fact]
    public async Task A_user_error_fails_the_run_without_a_retry()
    {
        const string problem = "models[1].uri: 'm/b.safetensors' not found in the test store";
        var (run, calls) = await RunAsync(_ => throw new RequestException(problem));
        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        Assert.Contains(problem, RootCause(run));
        Assert.Equal(1, calls);
        Assert.Equal("validate", run.ReadCustomStatusAs<MergeProgress>()!.Stage);
    }

    [Fact]
    public async Task A_transient_error_is_retried()
    {
        // First attempt: a storage hiccup (retried after 2 s); second: a user error, which ends the run.
        var (run, calls) = await RunAsync(n => n == 1 ? throw new IOException("connection reset") : throw new RequestException("second attempt reached"));
        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        Assert.Contains("second attempt reached", RootCause(run));
        Assert.Equal(2, calls);
    }
}
