using GenMerge.Pipeline.Activities;
using GenMerge.Pipeline.Orchestration;
using Microsoft.DurableTask;

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

    public static DurableTaskRegistry AddGenMergeTasks(this DurableTaskRegistry registry)
    {
        foreach (var t in Orchestrators) registry.AddOrchestrator(t);
        foreach (var t in Activities) registry.AddActivity(t);
        return registry;
    }
}
