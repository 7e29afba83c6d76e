using GenMerge.Core.Models;
using static TorchSharp.torch;

namespace GenMerge.Core.Evaluation;

/// <summary>The sample grids of a merge report: images to lay out 8 to a row.</summary>
public static class SampleGrids
{
    public const int Columns = 8;

    /// <summary>Eight G_ema samples per class, one row per class (16 samples when unconditional).</summary>
    public static Tensor PerClass(GanModel model, long seed)
    {
        if (model.Config.CDim == 0) return Sampling.Sample(model.GEma, 2 * Columns, seed);
        return Rows(Enumerable.Range(0, model.Config.CDim).Select(k => Sampling.Sample(model.GEma, Columns, seed, k)));
    }

    /// <summary>Eight G_ema samples of each model, one row per model.</summary>
    public static Tensor PerModel(IEnumerable<GanModel> models, long seed) =>
        Rows(models.Select(m => Sampling.Sample(m.GEma, Columns, seed)));

    /// <summary>For each source k: eight of its samples, then eight of the merged model's class k at the same seed.</summary>
    public static Tensor Paired(IReadOnlyList<GanModel> sources, GanModel merged, long seed) =>
        Rows(sources.SelectMany((s, k) => new[]
        {
            Sampling.Sample(s.GEma, Columns, seed, s.Config.CDim == 1 ? 0 : null),
            Sampling.Sample(merged.GEma, Columns, seed, k),
        }));

    static Tensor Rows(IEnumerable<Tensor> rows)
    {
        var list = rows.ToList();
        var all = cat(list, 0);
        foreach (var r in list) r.Dispose();
        return all;
    }
}
