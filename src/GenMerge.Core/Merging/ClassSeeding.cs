using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Merging;

/// <summary>
/// Class k of a merged model takes its class input from the model that stands for that class (a donor), so each
/// class keeps the embedding its own model was trained with (averaging alone would give every class one mean column).
/// </summary>
internal static class ClassSeeding
{
    /// <summary>One-class donors (c_dim 1): class k takes donor k's column 0.</summary>
    public static void FromDonors(GanModel merged, IReadOnlyList<GanModel> donors)
    {
        if (donors.Any(d => d.Config.CDim != 1)) throw new ArgumentException("donors: class seeding needs one-class (c_dim 1) models");
        FromDonors(merged, donors.Select(d => (d, 0)).ToList());
    }

    /// <summary>
    /// Overwrites column k of G's and G_ema's class embedding and of D's class input (D.mapping.embed, or the legacy
    /// cmap) with column donors[k].Column of donors[k].Model. The embedding's bias is shared, so the donor's bias
    /// difference is folded into the column: embed(one-hot k) of the merged model equals embed(one-hot j) of the donor.
    /// Bias gain is 1; weight gain is 1 / sqrt(in_features) for equalised layers, hence the rescales:
    /// stored column = (donor column + bias difference * sqrt(donor c_dim)) * sqrt(c_dim / donor c_dim).
    /// </summary>
    public static void FromDonors(GanModel merged, IReadOnlyList<(GanModel Model, int Column)> donors)
    {
        int n = merged.Config.CDim;
        if (donors.Count != n) throw new ArgumentException($"donors: {donors.Count} for {n} classes");
        foreach (var (m, c) in donors)
            if (c < 0 || c >= m.Config.CDim) throw new ArgumentException($"donors: column {c} of a model with c_dim {m.Config.CDim}");
        var layout = ConditioningLayout.For(merged.Config);
        using var _ = no_grad();
        Seed(merged.G, donors.Select(d => ((nn.Module)d.Model.G, d.Model.Config.CDim, d.Column)), layout, n, layout.EmbedWeight, layout.EmbedBias);
        Seed(merged.GEma, donors.Select(d => ((nn.Module)d.Model.GEma, d.Model.Config.CDim, d.Column)), layout, n, layout.EmbedWeight, layout.EmbedBias);
        var dDonors = donors.Select(d => ((nn.Module)d.Model.D, d.Model.Config.CDim, d.Column));
        if (layout.DReference) Seed(merged.D, dDonors, layout, n, ConditioningLayout.DEmbedWeight, ConditioningLayout.DEmbedBias);
        else Seed(merged.D, dDonors, layout, n, layout.CmapWeight, null);
    }

    static void Seed(nn.Module target, IEnumerable<(nn.Module Net, int CDim, int Column)> donors, ConditioningLayout layout, int n,
                     string weightKey, string? biasKey)
    {
        var t = target.state_dict();
        var weight = t[weightKey];
        var bias = biasKey is null ? null : t[biasKey];
        int k = 0;
        foreach (var (net, cDim, col) in donors)
        {
            using var scope = NewDisposeScope();
            var s = net.state_dict();
            var column = s[weightKey].select(1, col);
            if (bias is not null) column = column + (s[biasKey!] - bias) * layout.Rescale(1, cDim);
            weight.select(1, k++).copy_(column * layout.Rescale(cDim, n));
        }
    }
}
