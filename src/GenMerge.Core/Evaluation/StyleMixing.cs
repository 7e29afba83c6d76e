using GenMerge.Core.Models;
using GenMerge.Core.Models.StyleGan2;
using static TorchSharp.torch;
using Generator = GenMerge.Core.Models.Generator;

namespace GenMerge.Core.Evaluation;

/// <summary>
/// Cross-domain style mixing for the stylegan2 family (as stylegan2-ada-pytorch's style_mixing.py,
/// but across classes): row i is a sample of class a, column j one of class b; cell (i, j) takes
/// row i's ws for the coarse layers (before <c>mixFrom</c>) and column j's from there on.
/// The result is a (rows + 1) x (cols + 1) grid, row-major, with a blank top-left corner,
/// the column sources along the top and the row sources down the left. Stored noise (noise_const),
/// so the same seed gives the same picture.
/// </summary>
public static class StyleMixing
{
    /// <summary>Default split: the first half of the ws (4x4 up to about R/4) are coarse.</summary>
    public static int DefaultMixFrom(StyleGan2Generator g) => g.NumWs / 2;

    public static Tensor Grid(Generator g, int classA, int classB, int rows, int cols, long seed,
                              int? mixFrom = null, double psi = 1.0)
    {
        if (g is not StyleGan2Generator sg)
            throw new ArgumentException($"style mixing needs a stylegan2 generator (per-layer styles); this model's family is '{g.Config.Family}'");
        var cfg = g.Config;
        if (cfg.CDim == 0) throw new ArgumentException("style mixing across domains needs a conditional model (c_dim > 0)");
        foreach (var k in new[] { classA, classB })
            if (k < 0 || k >= cfg.CDim) throw new ArgumentException($"class: {k} out of range 0..{cfg.CDim - 1}");
        if (rows < 1 || cols < 1) throw new ArgumentException($"rows, cols: {rows} x {cols} must both be >= 1");
        int from = mixFrom ?? DefaultMixFrom(sg);
        if (from < 0 || from > sg.NumWs) throw new ArgumentException($"mix_from: {from} out of range 0..{sg.NumWs} (the model has {sg.NumWs} ws)");

        var device = g.parameters().First().device;
        bool wasTraining = g.training;
        g.eval();
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            using var gen = new TorchSharp.torch.Generator(unchecked((ulong)seed), CPU);
            var zA = randn(new long[] { rows, cfg.ZDim }, generator: gen).to(device);
            var zB = randn(new long[] { cols, cfg.ZDim }, generator: gen).to(device);
            var wsA = sg.Map(zA, OneHot(rows, classA, cfg.CDim, device), psi, updateWAvg: false);
            var wsB = sg.Map(zB, OneHot(cols, classB, cfg.CDim, device), psi, updateWAvg: false);
            var imgA = sg.Synthesize(wsA, NoiseModes.Const);
            var imgB = sg.Synthesize(wsB, NoiseModes.Const);

            // Every (i, j) pair in one batch: coarse ws from row i, fine ws from column j.
            var coarse = wsA.repeat_interleave(cols, dim: 0);
            var fine = wsB.repeat(rows, 1, 1);
            var mixed = sg.Synthesize(cat(new[] { coarse.narrow(1, 0, from), fine.narrow(1, from, sg.NumWs - from) }, 1), NoiseModes.Const);

            var blank = ones(1, cfg.ImgChannels, cfg.Resolution, cfg.Resolution, device: device);
            var cells = new List<Tensor> { blank, imgB };
            for (int i = 0; i < rows; i++)
            {
                cells.Add(imgA.narrow(0, i, 1));
                cells.Add(mixed.narrow(0, i * cols, cols));
            }
            return cat(cells, 0).cpu().MoveToOuterDisposeScope();
        }
        finally
        {
            g.train(wasTraining);
        }
    }

    static Tensor OneHot(int n, int k, int cDim, TorchSharp.torch.Device device)
    {
        var c = zeros(n, cDim, device: device);
        c[TensorIndex.Colon, k] = 1;
        return c;
    }
}
