using GenMerge.Core.Evaluation;
using GenMerge.Core.Models;
using GenMerge.Core.Models.StyleGan2;
using GenMerge.Core.Tests.Models;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Evaluation;

public class StyleMixingTests
{
    static GanModel Conditional(string family = ModelConfig.StyleGan2) => GanModel.Create(TinyModels.Config(family, cDim: 3), seed: 5);

    [Fact]
    public void Grid_has_a_blank_corner_the_sources_along_the_edges_and_one_cell_per_pair()
    {
        using var m = Conditional();
        using var grid = StyleMixing.Grid(m.GEma, 0, 2, rows: 2, cols: 3, seed: 9);
        var cfg = m.Config;
        Assert.Equal(new long[] { 3 * 4, cfg.ImgChannels, cfg.Resolution, cfg.Resolution }, grid.shape);
        Assert.Equal(1.0, grid[0].min().item<float>(), 6); // blank corner: white
        // The edges are plain samples of each class at the same z the grid drew: row sources are class 0.
        var sg = (StyleGan2Generator)m.GEma;
        using var gen = new TorchSharp.torch.Generator(9, CPU);
        var zA = randn(new long[] { 2, cfg.ZDim }, generator: gen);
        var c = zeros(2, cfg.CDim); c[TensorIndex.Colon, 0] = 1;
        using (no_grad())
        {
            var rowSources = sg.Synthesize(sg.Map(zA, c, updateWAvg: false), NoiseModes.Const);
            TinyModels.AssertClose(rowSources[0], grid[4], what: "row 1 source");
            TinyModels.AssertClose(rowSources[1], grid[8], what: "row 2 source");
        }
    }

    [Fact]
    public void Mixing_from_the_first_or_after_the_last_layer_gives_the_column_or_the_row_source()
    {
        using var m = Conditional();
        int numWs = ((StyleGan2Generator)m.GEma).NumWs;
        using var allFine = StyleMixing.Grid(m.GEma, 0, 1, 2, 2, seed: 3, mixFrom: 0);
        using var allCoarse = StyleMixing.Grid(m.GEma, 0, 1, 2, 2, seed: 3, mixFrom: numWs);
        using var half = StyleMixing.Grid(m.GEma, 0, 1, 2, 2, seed: 3);
        // Cell (row i, col j) sits at (i + 1) * 3 + (j + 1); column sources at 1..2, row sources at 3 and 6.
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                int cell = (i + 1) * 3 + j + 1;
                TinyModels.AssertClose(allFine[1 + j], allFine[cell], what: $"mix_from 0, cell {i},{j} = column {j}");
                TinyModels.AssertClose(allCoarse[(i + 1) * 3], allCoarse[cell], what: $"mix_from {numWs}, cell {i},{j} = row {i}");
                TinyModels.AssertDifferent(half[1 + j], half[cell], what: $"half mix differs from column {j}");
                TinyModels.AssertDifferent(half[(i + 1) * 3], half[cell], what: $"half mix differs from row {i}");
            }
    }

    [Fact]
    public void Refuses_compact_models_unconditional_models_and_bad_arguments()
    {
        using var compact = Conditional(ModelConfig.Compact);
        Assert.Contains("stylegan2", Assert.Throws<ArgumentException>(() => StyleMixing.Grid(compact.GEma, 0, 1, 2, 2, 1)).Message);
        using var uncond = GanModel.Create(TinyModels.Config(ModelConfig.StyleGan2), seed: 5);
        Assert.Contains("conditional", Assert.Throws<ArgumentException>(() => StyleMixing.Grid(uncond.GEma, 0, 1, 2, 2, 1)).Message);
        using var m = Conditional();
        Assert.Contains("class: 3", Assert.Throws<ArgumentException>(() => StyleMixing.Grid(m.GEma, 0, 3, 2, 2, 1)).Message);
        Assert.Contains("mix_from: 99", Assert.Throws<ArgumentException>(() => StyleMixing.Grid(m.GEma, 0, 1, 2, 2, 1, mixFrom: 99)).Message);
    }
}
