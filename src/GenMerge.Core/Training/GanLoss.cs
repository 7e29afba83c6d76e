using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GenMerge.Core.Training;

/// <summary>StyleGAN2 losses: non-saturating logistic for G and D, R1 gradient penalty on reals.</summary>
public static class GanLoss
{
    /// <summary>G: softplus(-D(G(z))).</summary>
    public static Tensor Generator(Tensor fakeLogits) => F.softplus(-fakeLogits).mean();

    /// <summary>D: softplus(D(fake)) + softplus(-D(real)).</summary>
    public static Tensor Discriminator(Tensor fakeLogits, Tensor realLogits) =>
        F.softplus(fakeLogits).mean() + F.softplus(-realLogits).mean();

    /// <summary>Per-sample squared norm of d(sum realLogits)/d(reals); reals must require grad.</summary>
    public static Tensor R1(Tensor realLogits, Tensor reals)
    {
        var grads = autograd.grad(new[] { realLogits.sum() }, new[] { reals }, retain_graph: true, create_graph: true)[0];
        return grads.square().sum(new long[] { 1, 2, 3 });
    }
}
