using GenMerge.Pipeline.Orchestration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace GenMerge.Functions.Tasks;

/// <summary>
/// One orchestrator function per pipeline orchestrator (PipelineTasks.Orchestrators), named as its
/// class. The classes are stateless and deterministic, so a fresh instance per replay is right.
/// </summary>
public sealed class OrchestratorFunctions
{
    [Function(nameof(MergeOrchestrator))]
    public Task<MergeRunResult> Merge([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new MergeOrchestrator().RunAsync(context, Input<MergeRunInput>(context));

    static T Input<T>(TaskOrchestrationContext context) where T : class =>
        context.GetInput<T>() ?? throw new ArgumentException(
            $"Orchestration {context.Name} ({context.InstanceId}) was started without an input; it needs a {typeof(T).Name}.");
}
