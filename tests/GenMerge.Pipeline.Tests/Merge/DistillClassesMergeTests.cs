using GenMerge.Core.Evaluation;
using GenMerge.Pipeline.Storage;
using GenMerge.SelfHosted;

namespace GenMerge.Pipeline.Tests.Merge;

/// <summary><c>distill_classes</c> through the whole merge: the factors reach the rooting and fine-tuning jobs, the report
/// names them, and a name that is no class of the merge fails before any compute.</summary>
public class DistillClassesMergeTests
{
    [Fact]
    public async Task Class_factors_reach_every_training_job_and_the_report()
    {
        using var t = new TinyMerge();
        var runner = new LocalMergeRunner(t.Store, durableConnection: null);
        var distill = t.Request().With(s => s with { Distill = 1 });
        var runs = new Dictionary<string, Core.Merging.MergeSettings>
        {
            // Factor 2 on every class is distill 2 (scaling by a power of two is exact, so the weights are bit-identical).
            ["twice"] = distill.Settings with { DistillClasses = new Dictionary<string, double> { ["rings"] = 2, ["squares"] = 2 } },
            ["plain2"] = distill.Settings with { Distill = 2 },
            ["plain1"] = distill.Settings,
            ["squares0"] = distill.Settings with { DistillClasses = new Dictionary<string, double> { ["squares"] = 0 } },
        };
        foreach (var (id, settings) in runs)
        {
            var status = await runner.RunAsync(id, distill with { Settings = settings });
            Assert.True(status.State == "Completed", status.Describe());
        }
        string Seg(string id, string job) => new RunArtifacts(t.Store, id).JobSegment(job, 2);
        // Rooting (squares rooted on the rings root) and the fine-tuning of both classes: factor 2 everywhere is distill 2...
        Assert.True(await MergeOrchestrationTests.SameG(t.Store, Seg("twice", "rooted/squares"), Seg("plain2", "rooted/squares")), "rooting: factors 2 differ from distill 2");
        Assert.True(await MergeOrchestrationTests.SameG(t.Store, Seg("twice", "finetune"), Seg("plain2", "finetune")), "fine-tuning: factors 2 differ from distill 2");
        Assert.False(await MergeOrchestrationTests.SameG(t.Store, Seg("twice", "finetune"), Seg("plain1", "finetune")), "distill 2 trained the same as distill 1");
        // ...and dropping one class's pull changes the rooting of that class and the fine-tuning.
        Assert.False(await MergeOrchestrationTests.SameG(t.Store, Seg("squares0", "rooted/squares"), Seg("plain1", "rooted/squares")), "factor 0 on squares left its rooting unchanged");
        Assert.False(await MergeOrchestrationTests.SameG(t.Store, Seg("squares0", "finetune"), Seg("plain1", "finetune")), "factor 0 on squares left the fine-tuning unchanged");

        var report = MergeReport.FromJson(await t.Store.ReadTextAsync(new RunArtifacts(t.Store, "squares0").ReportJson));
        Assert.Equal("pixels 1 (lap1), per class x squares 0", report.Distill);
        Assert.Contains("distillation pixels 1 (lap1), per class x squares 0", report.ToMarkdown());
    }

    [Fact]
    public async Task A_factor_for_a_class_the_merge_does_not_have_fails_before_any_shard()
    {
        using var t = new TinyMerge();
        var req = t.Request().With(s => s with { Distill = 1, DistillClasses = new Dictionary<string, double> { ["cats"] = 2 } });
        var status = await new LocalMergeRunner(t.Store, null).RunAsync("cats", req);
        Assert.Equal("Failed", status.State);
        Assert.Contains("distill_classes: 'cats' is not a class of this merge (its classes: rings, squares)", status.Failure);
        Assert.Empty(await t.Store.ListAsync("runs/cats/shards/"));
    }
}
