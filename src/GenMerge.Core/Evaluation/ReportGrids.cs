using GenMerge.Core.Models;
using GenMerge.Core.Models.StyleGan2;
using static TorchSharp.torch;

namespace GenMerge.Core.Evaluation;

/// <summary>One image of a merge report: its name under the output (grids/...), its caption, and how to draw it.</summary>
public sealed record ReportGrid(string Name, string Label, int? Columns, Func<Tensor> Render);

/// <summary>
/// The images every merge report shows, whoever writes them (the pipeline's report activity into the store,
/// the pipeline-overhead benchmark into a folder): one list, so both draw the same grids with the same names.
/// Rendered lazily, one at a time, so only one grid's tensor is alive.
/// </summary>
public static class ReportGrids
{
    /// <summary>Scale the grids are written at.</summary>
    public const int Scale = 2;

    /// <summary>Samples per class, class interpolation strips from class 0 and, for stylegan2, style mixing.</summary>
    public static IEnumerable<ReportGrid> OfMerged(GanModel merged, IReadOnlyList<string> names, long seed)
    {
        yield return new ReportGrid("grids/merged.png", "merged samples (one row per class)",
            merged.Config.CDim > 0 ? SampleGrids.Columns : null, () => SampleGrids.PerClass(merged, seed));
        for (int b = 1; b < names.Count; b++)
        {
            int k = b;
            yield return new ReportGrid($"grids/interp-{names[0]}-{names[k]}.png", $"class interpolation {names[0]} -> {names[k]}",
                8, () => ClassInterpolation.Strip(merged.GEma, 0, k, 8, 4, seed));
            if (merged.GEma is StyleGan2Generator)
                // Rows: the first domain's samples give the coarse styles; columns: domain b's give the fine ones.
                yield return new ReportGrid($"grids/style-mix-{names[0]}-{names[k]}.png",
                    $"style mixing: coarse from {names[0]} (rows), fine from {names[k]} (columns)",
                    7, () => StyleMixing.Grid(merged.GEma, 0, k, 4, 6, seed));
        }
    }

    /// <summary>
    /// Per domain, a row of the source's samples above a row of the merged model's samples of that class at the same
    /// z (same seed: Sampling draws z before the class): what the merge kept of each source, image for image.
    /// Null when the sources are not one class each (the rows would not pair up).
    /// </summary>
    public static ReportGrid? SideBySide(IReadOnlyList<GanModel> sources, GanModel merged, long seed)
    {
        if (merged.Config.CDim != sources.Count || sources.Any(s => s.Config.CDim > 1)) return null;
        return new ReportGrid("grids/side-by-side.png", "source (upper row) and merged (lower row) samples per domain, same z",
            SampleGrids.Columns, () => SampleGrids.Paired(sources, merged, seed));
    }

    /// <summary>Samples of each source model, one row per model.</summary>
    public static ReportGrid OfSources(IReadOnlyList<GanModel> sources, long seed) =>
        new("grids/sources.png", "source samples (one row per model)", SampleGrids.Columns, () => SampleGrids.PerModel(sources, seed));
}
