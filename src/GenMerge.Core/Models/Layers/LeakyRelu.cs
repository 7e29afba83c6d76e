using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.Layers;

/// <summary>
/// Leaky ReLU with slope 0.2 through one <see cref="Scalar"/> kept for the process's lifetime. Why not
/// <c>leaky_relu(x, 0.2)</c>: TorchSharp's Scalar holds a raw native pointer freed by its finalizer, and the
/// temporary that the implicit double -> Scalar conversion makes can be finalized while the native op still reads
/// it (seen here: a 4000-step training died at step 830 in leaky_relu with libtorch's Scalar "toFloat" check).
/// </summary>
public static class LeakyRelu
{
    public const double DefaultSlope = 0.2;
    static readonly Scalar Slope = DefaultSlope.ToScalar();

    public static Tensor Apply(Tensor x) => x.leaky_relu(Slope);
}
