using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Metrics;

/// <summary>Parameter counts for reports (buffers such as running statistics are not parameters).</summary>
public static class ParameterCount
{
    /// <summary>Total number of scalar parameters of a module and its submodules.</summary>
    public static long Of(nn.Module module) => module.parameters().Sum(p => p.numel());

    /// <summary>Scalar parameters that require grad.</summary>
    public static long Trainable(nn.Module module) => module.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
}
