using GenMerge.Core.Merging;
using GenMerge.Core.Models;

namespace GenMerge.Cli.Demo;

/// <summary>How `demo --train-sources` trains its sources on built-in procedural domains.</summary>
public sealed record SourceTraining(string Family, int Resolution, int Steps);

/// <summary>
/// Budgets of `genmerge demo`, sized for the 2-core CPU machine (README and docs/demo-report.md give the timings):
/// the merge of shipped emoji models by default, or training procedural sources first (<see cref="Train"/> set).
/// </summary>
public sealed record DemoProfile(string[] Domains, MergeSettings Merge, SourceTraining? Train = null)
{
    /// <summary>
    /// The default: merge shipped emoji models; rooting + fine-tuning sized to finish in about 6 minutes (5 min 54 s on
    /// the 2-core machine with oneDNN off, docs/demo-report.md). animals is the root: the root's domain keeps its source's quality best,
    /// and animals is the harder of the two for FID; smileys' own samples classify at only 92 %, below the 95 % target.
    /// Paired distillation (pixel L1, weight 10) because bench/merge-methods measured it best on these two sources.
    /// </summary>
    public static DemoProfile Shipped => new(new[] { "animals", "flags" }, new MergeSettings
    {
        RootingSteps = 300, MergeSteps = 750, SegmentSteps = 150, SamplesPerModel = 4096, ShardSize = 1024, EvalSamples = 200,
        Augment = "ada", Distill = DemoDistill,
    });

    /// <summary>The same merge at a token budget: the whole path in about a minute.</summary>
    public static DemoProfile ShippedQuick => new(new[] { "animals", "flags" }, new MergeSettings
    {
        RootingSteps = 40, MergeSteps = 60, SegmentSteps = 20, SamplesPerModel = 512, ShardSize = 256, EvalSamples = 64,
        Augment = "ada", Distill = DemoDistill,
    });

    /// <summary>The demo's distillation weight (pixel L1): 10 brought plain cocktail's worst held-out ratio from 1.88x to
    /// 1.71x and 1.5x (seeds 1, 2) in bench/merge-methods/CURVES-2domains.md, at a smaller budget than the demo's.</summary>
    public const double DemoDistill = 10;

    public static DemoProfile TrainFull => new(new[] { "rings", "squares" }, new MergeSettings
    {
        RootingSteps = 200, MergeSteps = 400, SegmentSteps = 100, SamplesPerModel = 2048, ShardSize = 1024, EvalSamples = 200,
    }, new SourceTraining(ModelConfig.Compact, 32, 1500));

    public static DemoProfile TrainQuick => new(new[] { "rings", "squares" }, new MergeSettings
    {
        RootingSteps = 60, MergeSteps = 100, SegmentSteps = 40, BatchSize = 32, SamplesPerModel = 512, ShardSize = 256, EvalSamples = 100,
    }, new SourceTraining(ModelConfig.Compact, 16, 300));

    public static DemoProfile For(bool trainSources, bool quick) => (trainSources, quick) switch
    {
        (true, true) => TrainQuick,
        (true, false) => TrainFull,
        (false, true) => ShippedQuick,
        _ => Shipped,
    };
}
