using Microsoft.DurableTask;

namespace GenMerge.Functions.Tasks;

/// <summary>The activity context a pipeline activity sees when the Functions host runs it through a wrapper.</summary>
internal sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    public override TaskName Name { get; } = name;
    public override string InstanceId { get; } = instanceId;
}
