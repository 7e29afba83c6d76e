using GenMerge.Core;
using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Activities;

/// <summary>
/// An activity whose work uses libtorch: it runs on the process's one torch thread
/// (<see cref="TorchThread"/>), whichever worker thread the Durable host called it on.
/// </summary>
public abstract class TorchActivity<TInput, TOutput> : TaskActivity<TInput, TOutput>
{
    public sealed override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) =>
        TorchThread.RunAsync(() => RunOnTorchThreadAsync(context, input));

    protected abstract Task<TOutput> RunOnTorchThreadAsync(TaskActivityContext context, TInput input);
}
