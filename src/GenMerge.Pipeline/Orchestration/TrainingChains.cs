using GenMerge.Pipeline.Activities;
using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Orchestration;

/// <summary>
/// Training jobs of one orchestration, each a chain of segment activities: a segment starts from
/// the checkpoint the previous one wrote, so a crash loses at most one segment. Several chains may
/// run at once (rooting fans out); every finished segment updates the shared progress.
/// </summary>
public sealed class TrainingChains(TaskOrchestrationContext context, Action<MergeProgress> onProgress)
{
    readonly Dictionary<string, JobProgress> jobs = new();
    readonly Dictionary<string, double> etas = new();

    /// <summary>Runs a job to its last segment and returns that checkpoint's artifact name.</summary>
    public async Task<string> RunAsync(TrainJob job)
    {
        int per = job.Request.SegmentSteps;
        int segments = (job.TotalSteps + per - 1) / per;
        string artifact = job.InitArtifact;
        double seconds = 0;
        jobs[job.Job] = new JobProgress(0, job.TotalSteps, 0, 0);
        for (int n = 1; n <= segments; n++)
        {
            var r = await context.CallActivityAsync<SegmentResult>(nameof(TrainSegmentActivity), new SegmentTask(job, n), Retries.Activity);
            artifact = r.Artifact;
            seconds += r.Seconds;
            jobs[job.Job] = new JobProgress(r.Step, job.TotalSteps, r.LossG, r.LossD, r.AugmentP);
            etas[job.Job] = seconds / n * (segments - n);
            onProgress(new MergeProgress
            {
                Jobs = new Dictionary<string, JobProgress>(jobs),
                EtaSeconds = Math.Round(etas.Values.Max(), 1),
            });
        }
        return artifact;
    }
}
