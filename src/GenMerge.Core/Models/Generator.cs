using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Models;

/// <summary>
/// G(z, c) -> image in [-1, 1], shape [B, img_channels, R, R]. z: [B, z_dim]. c: one-hot (or soft)
/// class vectors [B, c_dim], or null for an unconditional model.
/// </summary>
public abstract class Generator : nn.Module<Tensor, Tensor?, Tensor>
{
    protected Generator(string name, ModelConfig config) : base(name)
    {
        OneDnnCheck.Ensure(); // before any model's convolution runs in this process
        Config = config.Validate();
    }

    public ModelConfig Config { get; }

    /// <summary>Forward with truncation (psi = 1 is none). Families without a W space ignore psi.</summary>
    public abstract Tensor forward(Tensor z, Tensor? c, double truncationPsi);

    public override Tensor forward(Tensor z, Tensor? c) => forward(z, c, 1.0);
}

/// <summary>D(img, c) -> logits [B, 1]. Conditional models use projection on c.</summary>
public abstract class Discriminator : nn.Module<Tensor, Tensor?, Tensor>
{
    protected Discriminator(string name, ModelConfig config) : base(name)
    {
        OneDnnCheck.Ensure(); // before any model's convolution runs in this process
        Config = config.Validate();
    }

    public ModelConfig Config { get; }

    /// <summary>The activations after each of D's image blocks (nearest the image first), before the epilogue and any class
    /// input: what distillation's feature matching compares (<see cref="Training.Distillation"/>). img [B, img_channels, R, R].</summary>
    public abstract IReadOnlyList<Tensor> Features(Tensor img);
}
