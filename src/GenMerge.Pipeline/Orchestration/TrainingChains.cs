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

    /// <summary>Runs a job to its last segment; returns every segment's result, the last one's checkpoint last.</summary>
    public async Task<IReadOnlyList<SegmentResult>> RunAsync(TrainJob job)
    {
        int per = job.Request.Settings.SegmentSteps;
        int segments = (job.TotalSteps + per - 1) / per;
        var results = new List<SegmentResult>();
        double seconds = 0;
        jobs[job.Job] = new JobProgress(0, job.TotalSteps, 0, 0);
        for (int n = 1; n <= segments; n++)
        {
            var r = await context.CallActivityAsync<SegmentResult>(nameof(TrainSegmentActivity), new SegmentTask(job, n), Retries.Activity);
            results.Add(r);
            seconds += r.Seconds;
            jobs[job.Job] = new JobProgress(r.Step, job.TotalSteps, r.LossG, r.LossD, r.AugmentP);
            etas[job.Job] = seconds / n * (segments - n);
            onProgress(new MergeProgress
            {
                Jobs = new Dictionary<string, JobProgress>(jobs),
                EtaSeconds = Math.Round(etas.Values.Max(), 1),
            });
        }
        return results;
    }
}
