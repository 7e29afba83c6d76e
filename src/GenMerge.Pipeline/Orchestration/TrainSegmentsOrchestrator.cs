using GenMerge.Pipeline.Activities;
using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Orchestration;

/// <summary>
/// Runs one training job as a chain of segment activities; each starts from the checkpoint the
/// previous one wrote, so a crash loses at most one segment. Returns the last checkpoint's name.
/// </summary>
public sealed class TrainSegmentsOrchestrator : TaskOrchestrator<TrainJob, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, TrainJob job)
    {
        int per = job.Request.SegmentSteps;
        int segments = (job.TotalSteps + per - 1) / per;
        string artifact = job.InitArtifact;
        double seconds = 0;
        for (int n = 1; n <= segments; n++)
        {
            var r = await context.CallActivityAsync<SegmentResult>(nameof(TrainSegmentActivity), new SegmentTask(job, n), Retries.Activity);
            artifact = r.Artifact;
            seconds += r.Seconds;
            var eta = seconds / n * (segments - n);
            context.SetCustomStatus(new MergeProgress
            {
                Stage = job.Job,
                Jobs = new Dictionary<string, JobProgress> { [job.Job] = new(r.Step, job.TotalSteps, r.LossG, r.LossD) },
                EtaSeconds = Math.Round(eta, 1),
            });
        }
        return artifact;
    }
}
