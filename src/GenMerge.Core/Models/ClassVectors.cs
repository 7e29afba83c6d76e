using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Models;

/// <summary>Builds the c inputs of conditional models: one-hot float32 rows [B, c_dim].</summary>
public static class ClassVectors
{
    /// <summary>One-hot rows for integer labels (any integer dtype, shape [B]).</summary>
    public static Tensor OneHot(Tensor labels, int cDim)
    {
        if (cDim <= 0) throw new ArgumentException($"c_dim: {cDim} must be positive for one-hot class vectors", nameof(cDim));
        if (labels.ndim != 1) throw new ArgumentException($"labels: expected shape [B], found [{string.Join(", ", labels.shape)}]", nameof(labels));
        if (labels.numel() > 0)
        {
            long lo = labels.min().item<long>(), hi = labels.max().item<long>();
            if (lo < 0 || hi >= cDim) throw new ArgumentException($"labels: values must lie in 0..{cDim - 1}, found {lo}..{hi}", nameof(labels));
        }
        return nn.functional.one_hot(labels.to_type(ScalarType.Int64), cDim).to_type(ScalarType.Float32);
    }

    /// <summary>B copies of class k's one-hot row.</summary>
    public static Tensor OneHot(int classIndex, int cDim, long batch, torch.Device? device = null)
    {
        if (classIndex < 0 || classIndex >= cDim)
            throw new ArgumentException($"class index {classIndex} outside 0..{cDim - 1}", nameof(classIndex));
        using var labels = full(new long[] { batch }, classIndex, ScalarType.Int64, device: device);
        return nn.functional.one_hot(labels, cDim).to_type(ScalarType.Float32);
    }
}
