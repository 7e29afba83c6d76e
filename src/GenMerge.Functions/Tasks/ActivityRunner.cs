using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace GenMerge.Functions.Tasks;

/// <summary>Runs a pipeline activity class inside an activity function: constructed through DI, named as its class.</summary>
internal static class ActivityRunner
{
    public static Task<TOutput> RunAsync<TActivity, TInput, TOutput>(IServiceProvider services, TInput input, string? instanceId)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        // Per invocation, like the Durable worker does for class-based activities: constructor services
        // (IArtifactStore, loggers) come from the invocation's scope.
        var activity = ActivatorUtilities.GetServiceOrCreateInstance<TActivity>(services);
        return activity.RunAsync(new FunctionActivityContext(typeof(TActivity).Name, instanceId ?? ""), input);
    }
}
