namespace GenMerge.Core.Metrics;

/// <summary>Settings for <see cref="ResNet18Features"/>.</summary>
public sealed record ResNet18FeatureOptions
{
    /// <summary>Images per ONNX Run. 1 uses the model file as shipped; larger values use a copy whose batch dim is symbolic.</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>ONNX Runtime intra-op threads; 0 means every core.</summary>
    public int Threads { get; init; }
    /// <summary>Let ONNX Runtime's worker threads spin between tasks (lower latency on an idle machine; burns CPU that
    /// libtorch, sharing the process, could use).</summary>
    public bool AllowSpinning { get; init; } = true;
    /// <summary>Folder holding ResNet18Onnx/ and ResNetPrepOnnx/; null means the default (see <see cref="ResNet18ModelFiles"/>).</summary>
    public string? ModelDirectory { get; init; }
}
