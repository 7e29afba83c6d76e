using GenMerge.Pipeline.Activities;
using GenMerge.Pipeline.Orchestration;
using Microsoft.Azure.Functions.Worker;

namespace GenMerge.Functions.Tasks;

/// <summary>
/// One activity function per pipeline activity (PipelineTasks.Activities), named as the class the
/// orchestrators call by name. Explicit wrappers, so the build's functions.metadata lists them.
/// </summary>
public sealed class ActivityFunctions
{
    [Function(nameof(ValidateSourcesActivity))]
    public Task<List<SourceInfo>> ValidateSources([ActivityTrigger] MergeRunInput input, FunctionContext context) =>
        ActivityRunner.RunAsync<ValidateSourcesActivity, MergeRunInput, List<SourceInfo>>(context, input);

    [Function(nameof(GenerateShardActivity))]
    public Task<string> GenerateShard([ActivityTrigger] ShardTask input, FunctionContext context) =>
        ActivityRunner.RunAsync<GenerateShardActivity, ShardTask, string>(context, input);

    [Function(nameof(TrainSegmentActivity))]
    public Task<SegmentResult> TrainSegment([ActivityTrigger] SegmentTask input, FunctionContext context) =>
        ActivityRunner.RunAsync<TrainSegmentActivity, SegmentTask, SegmentResult>(context, input);

    [Function(nameof(InitMergedActivity))]
    public Task<InitResult> InitMerged([ActivityTrigger] InitTask input, FunctionContext context) =>
        ActivityRunner.RunAsync<InitMergedActivity, InitTask, InitResult>(context, input);

    [Function(nameof(PublishMergedActivity))]
    public Task<string> PublishMerged([ActivityTrigger] PublishTask input, FunctionContext context) =>
        ActivityRunner.RunAsync<PublishMergedActivity, PublishTask, string>(context, input);

    [Function(nameof(EvaluateDomainActivity))]
    public Task<DomainEvalResult> EvaluateDomain([ActivityTrigger] EvalTask input, FunctionContext context) =>
        ActivityRunner.RunAsync<EvaluateDomainActivity, EvalTask, DomainEvalResult>(context, input);

    [Function(nameof(WriteReportActivity))]
    public Task<MergeRunResult> WriteReport([ActivityTrigger] ReportTask input, FunctionContext context) =>
        ActivityRunner.RunAsync<WriteReportActivity, ReportTask, MergeRunResult>(context, input);

    [Function(nameof(SelectionReferenceActivity))]
    public Task<SelectionReference> SelectionReference([ActivityTrigger] SelectionReferenceTask input, FunctionContext context) =>
        ActivityRunner.RunAsync<SelectionReferenceActivity, SelectionReferenceTask, SelectionReference>(context, input);

    [Function(nameof(ScoreSnapshotActivity))]
    public Task<SnapshotScore> ScoreSnapshot([ActivityTrigger] ScoreSnapshotTask input, FunctionContext context) =>
        ActivityRunner.RunAsync<ScoreSnapshotActivity, ScoreSnapshotTask, SnapshotScore>(context, input);

    [Function(nameof(ConditionRootActivity))]
    public Task<string> ConditionRoot([ActivityTrigger] ConditionRootTask input, FunctionContext context) =>
        ActivityRunner.RunAsync<ConditionRootActivity, ConditionRootTask, string>(context, input);
}
