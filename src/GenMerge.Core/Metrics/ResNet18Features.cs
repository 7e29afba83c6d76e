using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Metrics;

/// <summary>
/// 512-d pooled features of the pretrained ImageNet ResNet18 (CNTK ONNX export shipped in
/// Microsoft.ML.DnnImageFeaturizer.ResNet18), run with ONNX Runtime. Metrics on these features are
/// named FID-R18 / KID-R18: they are not Inception FID.
/// Preprocessing is the model's own Caffe style: [-1,1] -> 0..255, bilinear resize to 224, RGB -> BGR,
/// minus the per-pixel mean image of the package's preprocess graph, no division.
/// </summary>
public sealed class ResNet18Features : IDisposable
{
    public const int FeatureDim = 512;
    public const int InputSize = 224;
    public const string InputName = "Input247";
    public const string OutputName = "Pooling395_Output_0";

    // Patched (symbolic batch) model bytes, per model file: patching reads 63 MB, so do it once per process.
    static readonly ConcurrentDictionary<string, Lazy<byte[]>> PatchedModels = new();

    readonly InferenceSession _session;
    readonly SessionOptions _options;
    readonly RunOptions _runOptions = new();
    bool _disposed;

    public ResNet18Features(ResNet18FeatureOptions? options = null)
    {
        options ??= new ResNet18FeatureOptions();
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), $"BatchSize must be >= 1, got {options.BatchSize}.");
        if (options.Threads < 0) throw new ArgumentOutOfRangeException(nameof(options), $"Threads must be >= 0, got {options.Threads}.");
        BatchSize = options.BatchSize;
        Threads = options.Threads == 0 ? Environment.ProcessorCount : options.Threads;
        (ModelPath, PreprocessPath) = ResNet18ModelFiles.Locate(options.ModelDirectory);

        _options = new SessionOptions
        {
            IntraOpNumThreads = Threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _options.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        try
        {
            // Kept out of any caller's dispose scope: it lives as long as this object.
            MeanImageBgr = ReadMeanImage(PreprocessPath).DetachFromDisposeScope();
            _session = BatchSize == 1
                ? new InferenceSession(ModelPath, _options)
                : new InferenceSession(PatchedModel(ModelPath), _options);
            CheckModelShape();
        }
        catch
        {
            _session?.Dispose();
            MeanImageBgr?.Dispose();
            _options.Dispose();
            _runOptions.Dispose();
            throw;
        }
    }

    public int BatchSize { get; }
    public int Threads { get; }
    public string ModelPath { get; }
    public string PreprocessPath { get; }

    /// <summary>Per-pixel Caffe mean image in BGR order, [3,224,224] float32 on the CPU (channel means ~103/116/123).</summary>
    public Tensor MeanImageBgr { get; }

    /// <summary>Features of images [N,C,H,W] (C = 1 or 3, values in [-1,1], any device): [N,512] float32 on the CPU.</summary>
    public Tensor Extract(Tensor images)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckImages(images);
        long n = images.shape[0];
        var features = new float[n * FeatureDim];
        for (long start = 0; start < n; start += BatchSize)
        {
            long count = Math.Min(BatchSize, n - start);
            using var scope = NewDisposeScope();
            var input = Preprocess(images.narrow(0, start, count));
            RunModel(input, features.AsSpan((int)(start * FeatureDim), (int)(count * FeatureDim)));
        }
        return torch.tensor(features, new[] { n, (long)FeatureDim });
    }

    /// <summary>Features of already preprocessed input [N,3,224,224] (see <see cref="Preprocess"/>): [N,512] float32 on the CPU.</summary>
    public Tensor ExtractPreprocessed(Tensor input)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (input.dim() != 4 || input.shape[1] != 3 || input.shape[2] != InputSize || input.shape[3] != InputSize)
            throw new ArgumentException($"preprocessed input must be [N,3,{InputSize},{InputSize}]; got [{string.Join(",", input.shape)}].", nameof(input));
        long n = input.shape[0];
        var features = new float[n * FeatureDim];
        for (long start = 0; start < n; start += BatchSize)
        {
            long count = Math.Min(BatchSize, n - start);
            using var scope = NewDisposeScope();
            var chunk = input.narrow(0, start, count).to(ScalarType.Float32, CPU).contiguous();
            RunModel(chunk, features.AsSpan((int)(start * FeatureDim), (int)(count * FeatureDim)));
        }
        return torch.tensor(features, new[] { n, (long)FeatureDim });
    }

    /// <summary>The network's input for images [N,C,H,W] in [-1,1]: [N,3,224,224] float32, BGR, mean-subtracted, on the CPU.</summary>
    public Tensor Preprocess(Tensor images)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckImages(images);
        using var scope = NewDisposeScope();
        var x = images.detach().to(ScalarType.Float32, CPU).clamp(-1, 1);
        if (x.shape[1] == 1) x = x.expand(-1, 3, -1, -1);
        if (x.shape[2] != InputSize || x.shape[3] != InputSize)
        {
            bool shrinking = x.shape[2] > InputSize || x.shape[3] > InputSize;
            x = nn.functional.interpolate(x, new long[] { InputSize, InputSize }, mode: InterpolationMode.Bilinear,
                align_corners: false, antialias: shrinking);
        }
        x = (x + 1f) * 127.5f;
        x = x.flip(1) - MeanImageBgr; // RGB -> BGR, then the Caffe mean
        return x.contiguous().MoveToOuterDisposeScope();
    }

    void RunModel(Tensor input, Span<float> destination)
    {
        long count = input.shape[0];
        if (BatchSize == 1 && count != 1) throw new InvalidOperationException("batch-1 session got a larger batch");
        var data = input.data<float>().ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(data, new[] { count, 3L, InputSize, InputSize });
        using var outputs = _session.Run(_runOptions, new[] { InputName }, new[] { value }, new[] { OutputName });
        var result = outputs[0].GetTensorDataAsSpan<float>();
        if (result.Length != destination.Length)
            throw new InvalidDataException($"ResNet18 output '{OutputName}' has {result.Length} values, expected {count}x{FeatureDim}.");
        result.CopyTo(destination);
    }

    static void CheckImages(Tensor images)
    {
        if (images.dim() != 4)
            throw new ArgumentException($"images must be [N,C,H,W]; got shape [{string.Join(",", images.shape)}].", nameof(images));
        if (images.shape[1] != 1 && images.shape[1] != 3)
            throw new ArgumentException($"images must have 1 (grayscale) or 3 (RGB) channels; got {images.shape[1]} in shape [{string.Join(",", images.shape)}].", nameof(images));
        if (!images.is_floating_point())
            throw new ArgumentException($"images must be floating point in [-1,1]; got {images.dtype}.", nameof(images));
    }

    void CheckModelShape()
    {
        if (!_session.InputMetadata.TryGetValue(InputName, out var input))
            throw new InvalidDataException($"{ModelPath}: no input '{InputName}' (found {string.Join(", ", _session.InputMetadata.Keys)}).");
        var dims = input.Dimensions;
        if (dims.Length != 4 || dims[1] != 3 || dims[2] != InputSize || dims[3] != InputSize)
            throw new InvalidDataException($"{ModelPath}: input '{InputName}' has shape [{string.Join(",", dims)}], expected [N,3,{InputSize},{InputSize}].");
        if (!_session.OutputMetadata.ContainsKey(OutputName))
            throw new InvalidDataException($"{ModelPath}: no output '{OutputName}' (found {string.Join(", ", _session.OutputMetadata.Keys)}).");
    }

    static byte[] PatchedModel(string modelPath) =>
        PatchedModels.GetOrAdd(Path.GetFullPath(modelPath), path => new Lazy<byte[]>(() =>
        {
            var result = OnnxBatchDim.MakeSymbolic(File.ReadAllBytes(path), "N", path);
            if (result.InputsPatched != 1 || result.OutputsPatched != 1)
                throw new InvalidDataException($"{path}: expected one input and one output with batch dim 1 to make symbolic; " +
                    $"patched {result.InputsPatched} input(s) and {result.OutputsPatched} output(s).");
            return result.Model;
        })).Value;

    /// <summary>Runs the preprocess graph (Split, Concat to BGR, Sub MeanImage) on zeros: its output is minus the mean image.</summary>
    static Tensor ReadMeanImage(string preprocessPath)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(preprocessPath, options);
        var inputName = session.InputMetadata.Keys.Single();
        var outputName = session.OutputMetadata.Keys.Single();
        var zeros = new float[3 * InputSize * InputSize];
        using var value = OrtValue.CreateTensorValueFromMemory(zeros, new[] { 1L, 3, InputSize, InputSize });
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, new[] { inputName }, new[] { value }, new[] { outputName });
        var negMean = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        if (negMean.Length != zeros.Length)
            throw new InvalidDataException($"{preprocessPath}: output '{outputName}' has {negMean.Length} values, expected 3x{InputSize}x{InputSize}.");
        for (int i = 0; i < negMean.Length; i++) negMean[i] = -negMean[i];
        return torch.tensor(negMean, new long[] { 3, InputSize, InputSize });
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session.Dispose();
        _runOptions.Dispose();
        _options.Dispose();
        MeanImageBgr.Dispose();
    }
}
