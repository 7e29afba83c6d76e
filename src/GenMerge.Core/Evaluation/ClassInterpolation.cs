using GenMerge.Core.Models;
using static TorchSharp.torch;
using Generator = GenMerge.Core.Models.Generator;

namespace GenMerge.Core.Evaluation;

/// <summary>
/// Class-interpolation strips: a conditional G at fixed z with c walking linearly from one class's
/// one-hot vector to another's. Each row is one z; columns go from class a to class b.
/// </summary>
public static class ClassInterpolation
{
    public static Tensor Strip(Generator g, int classA, int classB, int steps, int rows, long seed, double psi = 1.0)
    {
        var cfg = g.Config;
        if (cfg.CDim == 0) throw new ArgumentException("class interpolation needs a conditional model (c_dim > 0)");
        foreach (var k in new[] { classA, classB })
            if (k < 0 || k >= cfg.CDim) throw new ArgumentException($"class: {k} out of range 0..{cfg.CDim - 1}");
        if (steps < 2) throw new ArgumentException($"steps: {steps} must be >= 2");
        var device = g.parameters().First().device;
        using var gen = new TorchSharp.torch.Generator(unchecked((ulong)seed), CPU);
        var z = randn(new long[] { rows, cfg.ZDim }, generator: gen);
        var images = new List<Tensor>();
        bool wasTraining = g.training;
        g.eval();
        using (no_grad())
        {
            for (int r = 0; r < rows; r++)
            {
                using var scope = NewDisposeScope();
                var t = linspace(0, 1, steps).unsqueeze(1);
                var c = zeros(steps, cfg.CDim);
                c[TensorIndex.Colon, classA] = (1 - t).squeeze(1);
                c[TensorIndex.Colon, classB] = c[TensorIndex.Colon, classB] + t.squeeze(1);
                var zr = z[r].unsqueeze(0).expand(steps, -1);
                images.Add(g.forward(zr.to(device), c.to(device), psi).cpu().MoveToOuterDisposeScope());
            }
        }
        g.train(wasTraining);
        var all = cat(images, 0);
        foreach (var i in images) i.Dispose();
        return all;
    }
}
