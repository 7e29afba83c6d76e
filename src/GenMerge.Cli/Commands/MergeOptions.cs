using System.CommandLine;
using GenMerge.Cli.Running;
using GenMerge.Core.Merging;
using GenMerge.Pipeline.Requests;
using GenMerge.Pipeline.Storage;
using static System.FormattableString;

namespace GenMerge.Cli.Commands;

/// <summary>The options of a merge run, shared by `merge` and `demo`.</summary>
public sealed class MergeOptions
{
    // Defaults and the defaults named in descriptions come from MergeSettings, the one home of each setting.
    static readonly MergeSettings D = MergeSettings.Defaults;

    public readonly Option<int> Root = new("--root") { Description = "Index of the root model (rooting copies it)", DefaultValueFactory = _ => D.Root };
    public readonly Option<string> Method = new Option<string>("--method")
    {
        Description = "cocktail (the paper's method), or a baseline: average, average-finetune, transfer, union; or ties (TIES on rooted deltas)",
        DefaultValueFactory = _ => D.Method,
    }.AcceptOnlyFromAmong(MergeMethod.All.ToArray());
    public readonly Option<int?> RootingSteps = new("--rooting-steps") { Description = "Rooting fine-tuning steps per non-root model" };
    public readonly Option<int?> MergeSteps = new("--merge-steps") { Description = "Conditional merge fine-tuning steps" };
    public readonly Option<int?> SegmentSteps = new("--segment-steps") { Description = "Steps per resumable training segment" };
    public readonly Option<int?> Batch = new("--batch") { Description = "Batch size" };
    public readonly Option<int?> Samples = new("--samples") { Description = $"Synthetic images drawn from each source class for the shards pool (default: sized from the steps, each sample seen at most ~{MergeSettings.SampleReuse} times per job, at most {MergeSettings.MaxBudgetSamples} and {MergeSettings.MaxBudgetPoolBytes >> 30} GiB of images for all classes together: at 256 px and up, --data live avoids a small pool)" };
    public readonly Option<string?> Data = new Option<string?>("--data")
    {
        Description = $"Training data: shards (a stored pool of synthetic samples) or live (every training segment samples the sources at each step; no pool); default {D.Data}",
    }.AcceptOnlyFromAmong(DataModes.All.ToArray());
    public readonly Option<double?> Distill = new("--distill") { Description = "Paired distillation weight in pixels: G(z, class i) pulled toward source i's G_i(z) at the same z, besides the adversarial loss (default 0: off)" };
    public readonly Option<double?> DistillFeatures = new("--distill-features") { Description = "Paired distillation weight on D's intermediate features of G(z, class i) and G_i(z) (default 0: off)" };
    public readonly Option<string?> DistillLoss = new Option<string?>("--distill-loss")
    {
        Description = $"How distillation measures differences: l1, l2 or lap1 (Laplacian-pyramid L1) (default {D.DistillLoss})",
    }.AcceptOnlyFromAmong(Core.Training.Distillation.Losses.ToArray());
    public readonly Option<string[]> DistillClass = new("--distill-class")
    {
        Description = "NAME=FACTOR: multiply both distillation weights by FACTOR on merged class NAME (repeatable; classes not named keep 1)",
    };
    public readonly Option<int?> EvalSamples = new("--eval-samples") { Description = "Images per domain for FID-R18/KID-R18" };
    public readonly Option<double?> Lr = new("--lr") { Description = Invariant($"Adam learning rate (G and D) of merge fine-tuning, and of rooting unless --rooting-lr is given (default {D.Lr})") };
    public readonly Option<double?> RootingLr = new("--rooting-lr") { Description = "Learning rate of the rooting steps (default: --lr)" };
    public readonly Option<double?> FinalLr = new("--final-lr") { Description = "Learning rate the merge fine-tuning ends at, by a cosine decay from --lr (default: constant --lr)" };
    public readonly Option<double?> EmaKimg = new("--ema-kimg") { Description = "Half-life of G_ema (what is evaluated and published) in thousands of images, every job (default: 10, at most a sixth of a job that starts from trained weights; 0: G_ema is G)" };
    public readonly Option<int?> FreezeD = new("--freeze-d") { Description = $"Freeze-D: keep D's first N blocks (nearest the image) fixed while fine-tuning trained weights (default {D.FreezeD}: train all of D)" };
    public readonly Option<string?> Aug = CommonOptions.Aug();
    public readonly Option<double?> AugP = CommonOptions.AugP();
    public readonly Option<double?> AugTarget = CommonOptions.AugTarget();
    public readonly Option<string?> AugPipe = CommonOptions.AugPipe();
    public readonly Option<string?> Select = new Option<string?>("--select")
    {
        Description = $"Fine-tuning checkpoint to publish: last, or best (every segment's checkpoint scored by FID-R18 against held-out samples of the sources; never the evaluation reference); default {D.Select}",
    }.AcceptOnlyFromAmong(Core.Evaluation.SnapshotSelection.Modes.ToArray());
    public readonly Option<double?> Gamma = CommonOptions.Gamma();
    public readonly Option<long> Seed = CommonOptions.Seed();
    public readonly Option<string?> Storage = new("--storage")
    {
        Description = "Artifact store + Durable task hub: a Blob connection string (e.g. \"UseDevelopmentStorage=true\" for Azurite; resumable after a crash) or an https account URL. Default: a local folder under --work",
    };
    public readonly Option<string?> TaskHub = new("--taskhub") { Description = "Durable task hub on the --storage account (default: GENMERGE_TASKHUB, else GenMerge); workers and submitters of one pool use the same" };
    /// <summary>`merge` and `resume` only.</summary>
    public readonly Option<bool> Submit = new("--submit")
    {
        Description = "Start (or continue) the run on the task hub of --storage (a connection string) and return: `genmerge worker` processes run it, this process takes none of its work",
    };
    public readonly Option<string> Work = new("--work") { Description = "Local working folder (store, cache)", DefaultValueFactory = _ => MergeLauncher.DefaultWorkDir };

    public IEnumerable<Option> All => new Option[] { Root, Method, RootingSteps, MergeSteps, SegmentSteps, Batch, Lr, RootingLr, FinalLr, EmaKimg, FreezeD, Aug, AugP, AugTarget, AugPipe, Select, Gamma, Data, Samples, Distill, DistillFeatures, DistillLoss, DistillClass, EvalSamples, Seed, Storage, TaskHub, Work };

    /// <summary>The merge settings; unset values come from <paramref name="defaults"/> (a demo profile's method too: the
    /// options with a default for --help count as unset unless given).</summary>
    public MergeSettings Settings(ParseResult p, MergeSettings defaults) => defaults with
    {
        Root = Given(p, Root) ?? defaults.Root, Method = Given(p, Method) ?? defaults.Method, Seed = Given(p, Seed) ?? defaults.Seed,
        RootingSteps = p.GetValue(RootingSteps) ?? defaults.RootingSteps,
        MergeSteps = p.GetValue(MergeSteps) ?? defaults.MergeSteps,
        SegmentSteps = p.GetValue(SegmentSteps) ?? defaults.SegmentSteps,
        BatchSize = p.GetValue(Batch) ?? defaults.BatchSize,
        Lr = p.GetValue(Lr) ?? defaults.Lr,
        RootingLr = p.GetValue(RootingLr) ?? defaults.RootingLr,
        FinalLr = p.GetValue(FinalLr) ?? defaults.FinalLr,
        EmaKimg = p.GetValue(EmaKimg) ?? defaults.EmaKimg,
        FreezeD = p.GetValue(FreezeD) ?? defaults.FreezeD,
        Augment = p.GetValue(Aug) ?? defaults.Augment,
        AugmentP = p.GetValue(AugP) ?? defaults.AugmentP,
        AugmentTarget = p.GetValue(AugTarget) ?? defaults.AugmentTarget,
        AugmentPipe = p.GetValue(AugPipe) ?? defaults.AugmentPipe,
        Select = p.GetValue(Select) ?? defaults.Select,
        Gamma = p.GetValue(Gamma) ?? defaults.Gamma,
        Data = p.GetValue(Data) ?? defaults.Data,
        SamplesPerModel = p.GetValue(Samples) ?? defaults.SamplesPerModel,
        Distill = p.GetValue(Distill) ?? defaults.Distill,
        DistillFeatures = p.GetValue(DistillFeatures) ?? defaults.DistillFeatures,
        DistillLoss = p.GetValue(DistillLoss) ?? defaults.DistillLoss,
        DistillClasses = DistillClasses(p.GetValue(DistillClass)) ?? defaults.DistillClasses,
        EvalSamples = p.GetValue(EvalSamples) ?? defaults.EvalSamples,
    };

    /// <summary>--distill-class NAME=FACTOR pairs as the settings' map; null when none is given.</summary>
    static IReadOnlyDictionary<string, double>? DistillClasses(string[]? pairs)
    {
        if (pairs is not { Length: > 0 }) return null;
        var map = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.LastIndexOf('=');
            if (eq <= 0 || !double.TryParse(pair[(eq + 1)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var w))
                throw new ArgumentException($"--distill-class: '{pair}' is not NAME=FACTOR (e.g. smileys=0.5)");
            if (!map.TryAdd(pair[..eq], w)) throw new ArgumentException($"--distill-class: '{pair[..eq]}' is given twice");
        }
        return map;
    }

    static T? Given<T>(ParseResult p, Option<T> option) where T : struct =>
        p.GetResult(option) is { Implicit: false } ? p.GetValue(option) : null;

    static string? Given(ParseResult p, Option<string> option) =>
        p.GetResult(option) is { Implicit: false } ? p.GetValue(option) : null;

    public MergeLauncher Launcher(ParseResult p) => new(p.GetValue(Storage), p.GetValue(Work)!, p.GetValue(TaskHub));

    /// <summary>--submit needs a task hub, so a connection string: checked before anything is uploaded or printed.</summary>
    public void CheckSubmit(ParseResult p)
    {
        if (p.GetValue(Submit) && !(p.GetValue(Storage) is { } s && ArtifactStores.IsConnectionString(s)))
            throw new ArgumentException("--submit needs --storage with a Storage connection string (e.g. \"UseDevelopmentStorage=true\"): the task hub that `genmerge worker` processes serve");
    }
}
