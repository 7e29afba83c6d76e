using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Merging;

/// <summary>
/// For a merge of one-class sources (c_dim 1): class k of the merged model takes donor k's class-0 embedding, so each
/// domain keeps the class input its own model was trained with (averaging alone would give every class one mean column).
/// </summary>
internal static class ClassSeeding
{
    /// <summary>
    /// Overwrites column k of G's and G_ema's class embedding and of D's class input (D.mapping.embed, or the legacy
    /// cmap) with donor k's column 0. The embedding's bias is shared, so the donor's bias difference is folded into the
    /// column: embed(one-hot k) of the merged model equals embed(one-hot 0) of donor k. Both layers have bias gain 1 and
    /// weight gain 1 at in_features 1, so only the layout's rescale for in_features 1 -> c_dim remains.
    /// </summary>
    public static void FromDonors(GanModel merged, IReadOnlyList<GanModel> donors)
    {
        int n = merged.Config.CDim;
        if (donors.Count != n) throw new ArgumentException($"donors: {donors.Count} for {n} classes");
        if (donors.Any(d => d.Config.CDim != 1)) throw new ArgumentException("donors: class seeding needs one-class (c_dim 1) models");
        var layout = ConditioningLayout.For(merged.Config);
        double rescale = layout.Rescale(1, n);
        using var _ = no_grad();
        Seed(merged.G, donors.Select(d => d.G), layout.EmbedWeight, layout.EmbedBias, rescale);
        Seed(merged.GEma, donors.Select(d => d.GEma), layout.EmbedWeight, layout.EmbedBias, rescale);
        if (layout.DReference) Seed(merged.D, donors.Select(d => d.D), ConditioningLayout.DEmbedWeight, ConditioningLayout.DEmbedBias, rescale);
        else Seed(merged.D, donors.Select(d => d.D), layout.CmapWeight, null, rescale);
    }

    static void Seed(nn.Module target, IEnumerable<nn.Module> donors, string weightKey, string? biasKey, double rescale)
    {
        var t = target.state_dict();
        var weight = t[weightKey];
        var bias = biasKey is null ? null : t[biasKey];
        int k = 0;
        foreach (var donor in donors)
        {
            using var scope = NewDisposeScope();
            var s = donor.state_dict();
            var column = s[weightKey].select(1, 0);
            if (bias is not null) column = column + (s[biasKey!] - bias);
            weight.select(1, k++).copy_(column * rescale);
        }
    }
}
