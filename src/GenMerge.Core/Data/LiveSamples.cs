using TorchSharp;
using static TorchSharp.torch;
using Generator = GenMerge.Core.Models.Generator;

namespace GenMerge.Core.Data;

/// <summary>
/// Fresh samples of a frozen source generator, drawn when asked (GAN Cocktail's own training loop samples its sources at
/// every step): z ~ N(0, I) from a seeded stream, psi 1, the source's class <c>sourceClass</c> for a conditional source.
/// No sample repeats, so D cannot memorise a pool. Images come back on the generator's device.
/// </summary>
public sealed class LiveSamples : IClassSamples, IDisposable
{
    readonly Generator g;
    readonly int? sourceClass;
    readonly torch.Generator rng;

    /// <param name="g">The source's G_ema (not trained here; used without gradients).</param>
    /// <param name="sourceClass">The class to draw of a conditional source (null: class 0 of a one-class source; ignored when unconditional).</param>
    /// <param name="seed">Seed of the latent stream: the same seed gives the same samples.</param>
    public LiveSamples(Generator g, int? sourceClass, long seed, string name)
    {
        if (g.Config.CDim > 0 && sourceClass is { } k && (k < 0 || k >= g.Config.CDim))
            throw new ArgumentException($"{name}: source class {k} is not a class of a model with c_dim {g.Config.CDim}");
        this.g = g;
        this.sourceClass = sourceClass;
        rng = new torch.Generator(unchecked((ulong)seed), CPU);
        Name = name;
    }

    public string Name { get; }
    public int Resolution => g.Config.Resolution;
    public bool HasLatents => true;

    public (Tensor Images, Tensor? Z) Next(int n)
    {
        var z = randn(new long[] { n, g.Config.ZDim }, generator: rng);
        var device = g.parameters().First().device;
        using var _ = no_grad();
        var c = g.Config.CDim == 0 ? null
            : nn.functional.one_hot(full(new long[] { n }, sourceClass ?? 0, dtype: int64), g.Config.CDim).to(ScalarType.Float32).to(device);
        return (g.forward(z.to(device), c), z);
    }

    public void Dispose() => rng.Dispose();
}
