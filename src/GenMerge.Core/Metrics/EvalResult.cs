namespace GenMerge.Core.Metrics;

/// <summary>Distances of a model's samples to a reference on ResNet18 features (not Inception FID/KID).</summary>
/// <param name="N">Images per side.</param>
/// <param name="Reference">Key naming the reference set (e.g. "source:0", "real:folder").</param>
public sealed record EvalResult(double FidR18, double KidR18, double KidR18Std, int N, string Reference);
