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
        var provenance = InitProvenance(method, classNames[root], seed, parentHashes);
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

    /// <summary>
    /// Any sources (<paramref name="classes"/> from <see cref="MergeClasses.Of"/>). One-domain sources of one c_dim take
    /// <see cref="Build(string, IReadOnlyList{GanModel}, IReadOnlyList{GanModel}?, int, IReadOnlyList{string}, long, IReadOnlyList{string}?)"/>.
    /// The class-extended path: every model is made conditional with all N classes first, its own classes at their
    /// merged columns (a model that already has N classes, the conditioned root and its rooted copies, is used as it
    /// is), then averaged (or TIES-merged, or the root alone for transfer); each class's embedding columns are then
    /// seeded from the model that stands for it, so the root's existing classes keep their embedding exactly.
    /// </summary>
    /// <param name="rooted">Per source: the rooted model (the conditioned root at the root's index); only for rooting methods.</param>
    public static GanModel Build(string method, IReadOnlyList<GanModel> sources, IReadOnlyList<GanModel>? rooted,
                                 int root, IReadOnlyList<MergeClass> classes, long seed,
                                 IReadOnlyList<string>? parentHashes = null)
    {
        MergeMethod.Validate(method);
        var names = classes.Select(c => c.Name).ToList();
        if (!MergeClasses.Extended(sources.Select(s => s.Config.CDim).ToList()))
            return Build(method, sources, rooted, root, names, seed, parentHashes);
        int n = classes.Count;
        var provenance = InitProvenance(method, sources.Count == 0 ? "" : MergeClasses.OfSource(classes, root)[0].Name, seed, parentHashes);
        var owned = new List<GanModel>();
        GanModel Conditional(GanModel m, int source)
        {
            if (m.Config.CDim == n) return m;
            var c = Conditioning.ToConditional(m, n, names, seed, MergeClasses.Offset(classes, source));
            owned.Add(c);
            return c;
        }
        try
        {
            bool rooting = MergeMethod.UsesRooting(method);
            var models = (rooting ? Require(rooted, method) : sources).Select(Conditional).ToList();
            if (method == MergeMethod.Union)
            {
                var fresh = GanModel.Create(models[root].Config, seed, names);
                fresh.Provenance = provenance;
                return fresh;
            }
            var merged = method switch
            {
                MergeMethod.Cocktail or MergeMethod.Average or MergeMethod.AverageFinetune => WeightAveraging.Average(models, seed: seed),
                MergeMethod.Ties => TiesMerging.Merge(models[root], models.Where((_, i) => i != root).ToList(), ModelCopy.Clone(models[root])),
                MergeMethod.Transfer => ModelCopy.Clone(models[root]),
                _ => throw new ArgumentException($"method: {method}"),
            };
            // Transfer has one donor, the root, whose columns it already holds.
            if (method != MergeMethod.Transfer) ClassSeeding.FromDonors(merged, classes.Select(c => (models[c.Source], c.Index)).ToList());
            merged.ClassNames = names;
            merged.Provenance = provenance;
            return merged;
        }
        finally
        {
            foreach (var m in owned) m.Dispose();
        }
    }

    static Provenance InitProvenance(string method, string root, long seed, IReadOnlyList<string>? parentHashes) => new()
    {
        Kind = "merge-init", Seed = seed, Parents = parentHashes ?? Array.Empty<string>(),
        Notes = new Dictionary<string, string> { ["method"] = method, ["root"] = root },
    };

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
