using GenMerge.Core.Models;

namespace GenMerge.Core.Merging;

/// <summary>
/// The conditional starting point of merge fine-tuning for each method (docs/design.md §1 steps 3-4).
/// </summary>
public static class MergeInit
{
    /// <param name="sources">The input models, in class order.</param>
    /// <param name="rooted">Per class: the rooted model (the root itself at the root's index); only for rooting methods.</param>
    public static GanModel Build(string method, IReadOnlyList<GanModel> sources, IReadOnlyList<GanModel>? rooted,
                                 int root, IReadOnlyList<string> classNames, long seed,
                                 IReadOnlyList<string>? parentHashes = null)
    {
        MergeMethod.Validate(method);
        int n = sources.Count;
        var provenance = new Provenance
        {
            Kind = "merge-init", Seed = seed, Parents = parentHashes ?? Array.Empty<string>(),
            Notes = new Dictionary<string, string> { ["method"] = method, ["root"] = classNames[root] },
        };
        if (method == MergeMethod.Union)
        {
            var fresh = GanModel.Create(sources[0].Config with { CDim = n }, seed, classNames);
            fresh.Provenance = provenance;
            return fresh;
        }
        GanModel single = method switch
        {
            MergeMethod.Cocktail => WeightAveraging.Average(Require(rooted, method), seed: seed),
            MergeMethod.Ties => TiesMerging.Merge(sources[root], Require(rooted, method).Where((_, i) => i != root).ToList(),
                                                   ModelCopy.Clone(sources[root])),
            MergeMethod.Average or MergeMethod.AverageFinetune => WeightAveraging.Average(sources, seed: seed),
            MergeMethod.Transfer => ModelCopy.Clone(sources[root]),
            _ => throw new ArgumentException($"method: {method}"),
        };
        using (single)
        {
            var merged = Conditioning.ToConditional(single, n, classNames);
            // One-class sources: each class starts from the class-0 embedding of the model that stands for its domain.
            if (single.Config.CDim == 1) ClassSeeding.FromDonors(merged, Donors(method, sources, rooted, root));
            merged.Provenance = provenance;
            return merged;
        }
    }

    /// <summary>Per class, the model whose class 0 is that domain: the rooted models, the sources, or (transfer) the root for every class.</summary>
    static IReadOnlyList<GanModel> Donors(string method, IReadOnlyList<GanModel> sources, IReadOnlyList<GanModel>? rooted, int root) => method switch
    {
        MergeMethod.Cocktail or MergeMethod.Ties => Require(rooted, method),
        MergeMethod.Transfer => Enumerable.Repeat(sources[root], sources.Count).ToList(),
        _ => sources,
    };

    static IReadOnlyList<GanModel> Require(IReadOnlyList<GanModel>? rooted, string method) =>
        rooted ?? throw new ArgumentException($"method: '{method}' needs the rooted models");
}
