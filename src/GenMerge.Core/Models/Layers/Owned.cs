using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.Layers;

/// <summary>
/// Parameters and buffers made in module constructors belong to the module, not to whatever dispose scope
/// the caller happens to be in (else building a model inside NewDisposeScope would free its weights).
/// </summary>
internal static class Owned
{
    public static Parameter Param(Tensor data) => new(data.DetachFromDisposeScope());

    public static Tensor Buffer(Tensor data) => data.DetachFromDisposeScope();
}
