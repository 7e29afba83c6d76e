using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;
using Generator = GenMerge.Core.Models.Generator;

namespace GenMerge.Core;

/// <summary>Draws images from a generator in batches, deterministically by seed.</summary>
public static class Sampling
{
    /// <summary>
    /// n images [n, C, R, R] on the CPU in [-1, 1]. classId selects a class of a conditional model
    /// (null: uniform over classes); ignored for unconditional models.
    /// </summary>
    public static Tensor Sample(Generator g, int n, long seed, int? classId = null, double psi = 1.0, int batch = 64)
    {
        var cfg = g.Config;
        if (classId is { } k && cfg.CDim > 0 && (k < 0 || k >= cfg.CDim))
            throw new ArgumentException($"class: {k} is out of range for a model with {cfg.CDim} classes (0..{cfg.CDim - 1})");
        if (classId is not null && cfg.CDim == 0)
            throw new ArgumentException("class: the model is unconditional (c_dim 0); leave --class out");
        var device = g.parameters().First().device;
        using var gen = new torch.Generator(unchecked((ulong)seed), torch.CPU);
        var z = randn(new long[] { n, cfg.ZDim }, generator: gen);
        var ids = cfg.CDim == 0 ? null
            : classId is { } c ? full(new long[] { n }, c, dtype: int64)
            : randint(0, cfg.CDim, new long[] { n }, generator: gen);
        return Generate(g, z, ids, psi, batch);
    }

    /// <summary>G(z, class ids) in batches, without gradients, result on the CPU.</summary>
    public static Tensor Generate(Generator g, Tensor z, Tensor? classIds, double psi = 1.0, int batch = 64)
    {
        var cfg = g.Config;
        var device = g.parameters().First().device;
        var wasTraining = g.training;
        g.eval();
        try
        {
            var parts = new List<Tensor>();
            using (no_grad())
            {
                for (long i = 0; i < z.shape[0]; i += batch)
                {
                    using var scope = NewDisposeScope();
                    long len = Math.Min(batch, z.shape[0] - i);
                    var zb = z.narrow(0, i, len).to(device);
                    Tensor? cb = classIds is null ? null
                        : nn.functional.one_hot(classIds.narrow(0, i, len), cfg.CDim).to(float32).to(device);
                    parts.Add(g.forward(zb, cb, psi).cpu().MoveToOuterDisposeScope());
                }
            }
            var all = cat(parts, 0);
            foreach (var p in parts) p.Dispose();
            return all;
        }
        finally
        {
            g.train(wasTraining);
        }
    }
}
