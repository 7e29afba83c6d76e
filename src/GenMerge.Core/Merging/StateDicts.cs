using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Merging;

/// <summary>Small helpers on state dicts (name -> live tensor) shared by the merge code.</summary>
public static class StateDicts
{
    /// <summary>The module's state dict: parameters and persistent buffers, as the module's own (live) tensors.</summary>
    public static Dictionary<string, Tensor> Of(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.state_dict();
    }

    /// <summary>Names of the module's parameters (the rest of its state dict are buffers).</summary>
    public static HashSet<string> ParameterNames(nn.Module module) =>
        module.named_parameters().Select(p => p.name).ToHashSet();

    /// <summary>True for float16/bfloat16/float32/float64 tensors; those are averaged, other dtypes are copied.</summary>
    public static bool IsFloating(Tensor t) => t.dtype is ScalarType.Float16 or ScalarType.BFloat16
        or ScalarType.Float32 or ScalarType.Float64;

    /// <summary>"[4, 3]" for error messages.</summary>
    public static string ShapeText(long[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>The tensor as float64 on <paramref name="device"/> (a new tensor; caller disposes or scopes it).</summary>
    internal static Tensor AsDouble(Tensor t, torch.Device device) => t.detach().to(device).to(ScalarType.Float64);
}
