using GenMerge.Pipeline.Activities;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Storage;
using GenMerge.Pipeline.Workers;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace GenMerge.Pipeline;

/// <summary>Every orchestrator and activity of the merge pipeline, registered the same way in every host.</summary>
public static class PipelineTasks
{
    public static readonly IReadOnlyList<Type> Orchestrators = new[]
    {
        typeof(MergeOrchestrator),
    };

    public static readonly IReadOnlyList<Type> Activities = new[]
    {
        typeof(ValidateSourcesActivity), typeof(GenerateShardActivity), typeof(TrainSegmentActivity),
        typeof(InitMergedActivity), typeof(PublishMergedActivity), typeof(EvaluateDomainActivity), typeof(WriteReportActivity),
        typeof(SelectionReferenceActivity), typeof(ScoreSnapshotActivity), typeof(ConditionRootActivity),
    };

    /// <summary>
    /// Registers every task. With <paramref name="worker"/>, each activity records which worker ran it
    /// (<see cref="RecordingActivity"/>: report.json's <c>workers</c>); that needs an <see cref="IArtifactStore"/> service.
    /// </summary>
    public static DurableTaskRegistry AddGenMergeTasks(this DurableTaskRegistry registry, WorkerIdentity? worker = null)
    {
        foreach (var t in Orchestrators) registry.AddOrchestrator(t);
        foreach (var t in Activities)
        {
            if (worker is null) { registry.AddActivity(t); continue; }
            var type = t;
            // Per execution, as the worker builds class-based activities: constructor services from the provider.
            registry.AddActivity(new TaskName(type.Name), sp => new RecordingActivity(
                (ITaskActivity)ActivatorUtilities.CreateInstance(sp, type), sp.GetRequiredService<IArtifactStore>(), worker));
        }
        return registry;
    }
}
