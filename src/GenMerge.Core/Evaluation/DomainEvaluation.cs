using GenMerge.Core.Metrics;
using GenMerge.Core.Models;
using static TorchSharp.torch;

namespace GenMerge.Core.Evaluation;

/// <summary>ResNet18 features of one domain: merged(class), the source, and the reference.</summary>
public sealed record DomainFeatures(Tensor Merged, Tensor Source, Tensor Reference, string ReferenceName) : IDisposable
{
    public void Dispose() { Merged.Dispose(); Source.Dispose(); Reference.Dispose(); }
}

/// <summary>
/// Evaluation of a merged model on one domain (docs/design.md §1 step 6). The reference is the user's
/// (built-in domain or image folder) when given, else held-out samples of the source itself.
/// </summary>
public static class DomainEvaluation
{
    /// <param name="sourceClass">The source's class that merged class <paramref name="classId"/> stands for (multi-class sources).</param>
    public static DomainFeatures Features(Evaluator ev, GanModel merged, GanModel source, ReferenceSpec? reference,
                                         int classId, int n, long seed, int? sourceClass = null)
    {
        var mergedFeats = ev.Features(Samplers.Of(merged.GEma, seed + 11, classId), n);
        var sourceFeats = ev.Features(Samplers.Of(source.GEma, seed + 13, sourceClass), n);
        Tensor refFeats;
        string refName;
        if (reference is not null)
        {
            refName = reference.Spec;
            refFeats = ev.Features(Samplers.Of(reference, seed + 17), n);
        }
        else
        {
            refName = sourceClass is { } k && source.Config.CDim > 1 ? $"held-out samples of source class {k}" : $"held-out samples of source {classId}";
            refFeats = ev.Features(Samplers.Of(source.GEma, Samplers.HeldOutSeed(seed, classId), sourceClass), n);
        }
        return new DomainFeatures(mergedFeats, sourceFeats, refFeats, refName);
    }

    /// <summary>(FID-R18, KID-R18) of a against b.</summary>
    public static (double Fid, double Kid) Distances(Tensor a, Tensor b, int seed = 0)
    {
        var fid = FrechetDistance.Compute(a, b);
        var (kid, _) = KernelDistance.Compute(a, b, subsets: 50, subsetSize: (int)Math.Min(1000, Math.Min(a.shape[0], b.shape[0])), seed: seed);
        return (fid, kid);
    }

    /// <summary>Per domain: the fraction of evaluated features the classifier (fit on the references) assigns to that domain.</summary>
    public static double[] Accuracies(IReadOnlyList<Tensor> referencePerDomain, IReadOnlyList<Tensor> evaluatedPerDomain)
    {
        using var clf = new DomainClassifier();
        clf.Fit(referencePerDomain);
        return evaluatedPerDomain.Select((f, k) => clf.Accuracy(f, k)).ToArray();
    }
}
