using static TorchSharp.torch;

namespace GenMerge.Core.Metrics;

/// <summary>Checks and converts feature matrices [N,D] for the distance metrics.</summary>
internal static class FeatureMatrix
{
    /// <summary>The features as float64 on the CPU, after checking they are [N,D] with N >= minRows.</summary>
    public static Tensor AsDouble(Tensor features, string name, int minRows)
    {
        if (features.dim() != 2)
            throw new ArgumentException($"{name} must be a feature matrix [N,D]; got shape [{string.Join(",", features.shape)}].", name);
        if (features.shape[0] < minRows)
            throw new ArgumentException($"{name} needs at least {minRows} rows; got {features.shape[0]}.", name);
        return features.detach().to(ScalarType.Float64, CPU);
    }

    public static void SameWidth(Tensor a, Tensor b, string nameA, string nameB)
    {
        if (a.shape[1] != b.shape[1])
            throw new ArgumentException($"{nameA} has {a.shape[1]} features per row but {nameB} has {b.shape[1]}.");
    }
}
