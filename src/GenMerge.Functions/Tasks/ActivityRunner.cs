using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace GenMerge.Functions.Tasks;

/// <summary>Runs a pipeline activity class inside an activity function: constructed through DI, named as its class.</summary>
internal static class ActivityRunner
{
    /// <summary>Binding-data key under which the Durable extension passes the calling orchestration's id.</summary>
    public const string InstanceIdKey = "instanceId";

    public static Task<TOutput> RunAsync<TActivity, TInput, TOutput>(FunctionContext context, TInput input)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        // Per invocation, like the Durable worker does for class-based activities: constructor services
        // (IArtifactStore, loggers) come from the invocation's scope.
        var activity = ActivatorUtilities.GetServiceOrCreateInstance<TActivity>(context.InstanceServices);
        string instanceId = context.BindingContext.BindingData.TryGetValue(InstanceIdKey, out object? id) ? id?.ToString() ?? "" : "";
        return activity.RunAsync(new FunctionActivityContext(typeof(TActivity).Name, instanceId), input);
    }
}
