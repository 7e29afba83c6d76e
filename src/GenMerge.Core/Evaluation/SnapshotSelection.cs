using GenMerge.Core.Metrics;
using GenMerge.Core.Models;
using static TorchSharp.torch;
using Generator = GenMerge.Core.Models.Generator;

namespace GenMerge.Core.Evaluation;

/// <summary>
/// Which merge fine-tuning checkpoint a merge publishes: the last one, or the best one by FID-R18
/// of each class against held-out samples of its source. Selection never sees the evaluation
/// reference (its seed stream is disjoint from the evaluation's held-out samples too), so the
/// report's numbers are measured on a model that was not chosen by them.
/// </summary>
public static class SnapshotSelection
{
    public const string Last = "last";
    public const string Best = "best";
    public static readonly IReadOnlyList<string> Modes = [Last, Best];

    public static void Validate(string mode)
    {
        if (!Modes.Contains(mode))
            throw new ArgumentException($"select: '{mode}' is not one of {string.Join(", ", Modes)}");
    }

    // HeldOutSeed(seed, k) streams are disjoint for different k; the evaluation uses k = class,
    // and a merge has at most MergeSettings.MaxModels (16) classes.
    static long ReferenceSeed(long seed, int classId) => Samplers.HeldOutSeed(seed, 64 + classId);
    static long FloorSeed(long seed, int classId) => Samplers.HeldOutSeed(seed, 128 + classId);

    /// <summary>
    /// Features of n held-out samples of the source (the reference class <paramref name="classId"/> is
    /// scored against), and the source's own FID-R18 against them from n other samples: the floor
    /// that makes domains of different difficulty comparable.
    /// </summary>
    public static (Tensor Reference, double Floor) Reference(Evaluator ev, Generator source, int classId, int n, long seed, int? sourceClass = null)
    {
        var reference = ev.Features(Samplers.Of(source, ReferenceSeed(seed, classId), sourceClass), n);
        using var own = ev.Features(Samplers.Of(source, FloorSeed(seed, classId), sourceClass), n);
        return (reference, FrechetDistance.Compute(own, reference));
    }

    /// <summary>
    /// FID-R18 of each class of a candidate against its reference, and domain accuracy: the share of the class's
    /// samples that a linear classifier fit on the references (held-out samples of every source) puts in that
    /// class's source; null with one class. Every candidate draws the same latents and meets the same classifier.
    /// </summary>
    public static (double[] FidR18, double[]? Accuracy) Score(Evaluator ev, Generator candidate, IReadOnlyList<Tensor> references, int n, long seed)
    {
        var fids = new double[references.Count];
        var features = new List<Tensor>();
        try
        {
            for (int c = 0; c < references.Count; c++)
            {
                var f = ev.Features(Samplers.Of(candidate, seed + 19, c), n);
                features.Add(f);
                fids[c] = FrechetDistance.Compute(f, references[c]);
            }
            if (references.Count < 2) return (fids, null);
            using var classifier = new DomainClassifier();
            classifier.Fit(references);
            return (fids, features.Select((f, c) => classifier.Accuracy(f, c)).ToArray());
        }
        finally
        {
            foreach (var f in features) f.Dispose();
        }
    }

    /// <summary>The worst domain's FID-R18 as a multiple of its floor.</summary>
    public static double WorstRatio(IReadOnlyList<double> fids, IReadOnlyList<double> floors)
    {
        if (fids.Count != floors.Count) throw new ArgumentException($"selection: {fids.Count} scores for {floors.Count} domains");
        return fids.Select((f, c) => f / Math.Max(floors[c], 1e-9)).Max();
    }

    /// <summary>Index of the candidate with the lowest worst-domain ratio; on a tie the later one (it trained longer).</summary>
    public static int Pick(IReadOnlyList<IReadOnlyList<double>> fids, IReadOnlyList<double> floors)
    {
        if (fids.Count == 0) throw new ArgumentException("selection: no candidates");
        int best = 0;
        for (int i = 1; i < fids.Count; i++)
            if (WorstRatio(fids[i], floors) <= WorstRatio(fids[best], floors)) best = i;
        return best;
    }
}
