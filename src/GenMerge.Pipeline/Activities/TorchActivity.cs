using GenMerge.Core;
using GenMerge.Pipeline.Telemetry;
using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Activities;

/// <summary>
/// An activity whose work uses libtorch: it runs on the process's one torch thread
/// (<see cref="TorchThread"/>), whichever worker thread the Durable host called it on.
/// </summary>
public abstract class TorchActivity<TInput, TOutput> : TaskActivity<TInput, TOutput>
{
    public sealed override async Task<TOutput> RunAsync(TaskActivityContext context, TInput input)
    {
        // Every host runs its activities through here: one span and duration per execution.
        using var scope = StageScope.Start(input);
        try
        {
            return await TorchThread.RunAsync(() => RunOnTorchThreadAsync(context, input));
        }
        catch (Exception e)
        {
            scope?.Fail(e);
            throw;
        }
    }

    protected abstract Task<TOutput> RunOnTorchThreadAsync(TaskActivityContext context, TInput input);
}
