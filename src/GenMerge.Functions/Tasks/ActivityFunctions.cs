using GenMerge.Pipeline.Activities;
using GenMerge.Pipeline.Orchestration;
using Microsoft.Azure.Functions.Worker;

namespace GenMerge.Functions.Tasks;

/// <summary>
/// One activity function per pipeline activity (PipelineTasks.Activities), named as the class the
/// orchestrators call by name. Explicit wrappers, so the build's functions.metadata lists them.
/// <paramref name="instanceId"/> parameters bind from the trigger's binding data.
/// </summary>
public sealed class ActivityFunctions(IServiceProvider services)
{
    [Function(nameof(ValidateSourcesActivity))]
    public Task<List<SourceInfo>> ValidateSources([ActivityTrigger] MergeRunInput input, string? instanceId) =>
        ActivityRunner.RunAsync<ValidateSourcesActivity, MergeRunInput, List<SourceInfo>>(services, input, instanceId);

    [Function(nameof(GenerateShardActivity))]
    public Task<string> GenerateShard([ActivityTrigger] ShardTask input, string? instanceId) =>
        ActivityRunner.RunAsync<GenerateShardActivity, ShardTask, string>(services, input, instanceId);

    [Function(nameof(TrainSegmentActivity))]
    public Task<SegmentResult> TrainSegment([ActivityTrigger] SegmentTask input, string? instanceId) =>
        ActivityRunner.RunAsync<TrainSegmentActivity, SegmentTask, SegmentResult>(services, input, instanceId);

    [Function(nameof(InitMergedActivity))]
    public Task<InitResult> InitMerged([ActivityTrigger] InitTask input, string? instanceId) =>
        ActivityRunner.RunAsync<InitMergedActivity, InitTask, InitResult>(services, input, instanceId);

    [Function(nameof(PublishMergedActivity))]
    public Task<string> PublishMerged([ActivityTrigger] PublishTask input, string? instanceId) =>
        ActivityRunner.RunAsync<PublishMergedActivity, PublishTask, string>(services, input, instanceId);

    [Function(nameof(EvaluateDomainActivity))]
    public Task<DomainEvalResult> EvaluateDomain([ActivityTrigger] EvalTask input, string? instanceId) =>
        ActivityRunner.RunAsync<EvaluateDomainActivity, EvalTask, DomainEvalResult>(services, input, instanceId);

    [Function(nameof(WriteReportActivity))]
    public Task<MergeRunResult> WriteReport([ActivityTrigger] ReportTask input, string? instanceId) =>
        ActivityRunner.RunAsync<WriteReportActivity, ReportTask, MergeRunResult>(services, input, instanceId);
}
