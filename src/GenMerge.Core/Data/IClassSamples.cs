using static TorchSharp.torch;

namespace GenMerge.Core.Data;

/// <summary>
/// One class's training samples, with the latents that made them where they are a source generator's: every synthetic
/// sample is a pair (z, G_i(z)), which distillation regresses on (<see cref="Training.Distillation"/>).
/// </summary>
public interface IClassSamples
{
    string Name { get; }
    int Resolution { get; }
    /// <summary>Whether <see cref="Next"/> gives latents.</summary>
    bool HasLatents { get; }
    /// <summary>The next n samples: images [n, C, R, R] float32 in [-1, 1] and their latents [n, z_dim] (null without).
    /// Deterministic given the samples' seed and the sequence of calls.</summary>
    (Tensor Images, Tensor? Z) Next(int n);
}

/// <summary>Images without latents (real images, procedural domains) as class samples.</summary>
public sealed class ImageSamples(IImageSource source) : IClassSamples
{
    public string Name => source.Name;
    public int Resolution => source.Resolution;
    public bool HasLatents => false;
    public (Tensor Images, Tensor? Z) Next(int n) => (source.NextBatch(n), null);
}
