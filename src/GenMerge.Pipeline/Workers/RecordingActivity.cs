using System.Diagnostics;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Workers;

/// <summary>
/// Runs a pipeline activity and records which worker ran it (<see cref="WorkerRecords"/>), telling the worker's
/// observer when it starts and ends. Self-hosted workers register every activity through it; the activity itself
/// is unchanged, so its idempotence (reusing outputs already written) is too.
/// </summary>
public sealed class RecordingActivity(ITaskActivity inner, IArtifactStore store, WorkerIdentity worker) : ITaskActivity
{
    public Type InputType => inner.InputType;
    public Type OutputType => inner.OutputType;

    public async Task<object?> RunAsync(TaskActivityContext context, object? input)
    {
        var label = TaskLabel.Of(input);
        var name = context.Name.Name;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        worker.OnActivity?.Invoke(new WorkerActivityEvent(name, label));
        try
        {
            // What this process computes on goes into the record: the report says it, so a slow run can be told from a slow method.
            var compute = label is null ? null : GenMerge.Core.Device.Describe();
            if (label is not null) await WorkerRecords.StartedAsync(store, label, worker.Id, started, compute);
            var output = await inner.RunAsync(context, input);
            if (label is not null) await WorkerRecords.FinishedAsync(store, label, worker.Id, started, DateTimeOffset.UtcNow, compute);
            worker.OnActivity?.Invoke(new WorkerActivityEvent(name, label, clock.Elapsed));
            return output;
        }
        catch (Exception e)
        {
            worker.OnActivity?.Invoke(new WorkerActivityEvent(name, label, clock.Elapsed, e));
            throw;
        }
    }
}
