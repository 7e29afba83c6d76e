using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Metrics;

/// <summary>
/// Linear multinomial logistic regression on standardised features, used for domain accuracy:
/// fit on reference features of each domain (label = list index), then asked which domain a
/// merged model's samples look like. Full-batch Adam from zero weights, so fitting is deterministic.
/// </summary>
public sealed class DomainClassifier : IDisposable
{
    readonly int _steps;
    readonly double _learningRate;
    readonly double _weightDecay;
    Tensor? _mean, _std, _weight, _bias;

    public DomainClassifier(int steps = 300, double learningRate = 0.05, double weightDecay = 1e-3)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), $"steps must be >= 1, got {steps}.");
        if (learningRate <= 0) throw new ArgumentOutOfRangeException(nameof(learningRate), $"learningRate must be > 0, got {learningRate}.");
        if (weightDecay < 0) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"weightDecay must be >= 0, got {weightDecay}.");
        (_steps, _learningRate, _weightDecay) = (steps, learningRate, weightDecay);
    }

    /// <summary>Number of domains after <see cref="Fit"/>; 0 before.</summary>
    public int Classes { get; private set; }
    /// <summary>Training cross-entropy after the last step (for diagnostics).</summary>
    public double FinalLoss { get; private set; } = double.NaN;

    /// <summary>Fits on features [N_i,D] of each domain i (at least two domains, each non-empty, same D).</summary>
    public void Fit(IReadOnlyList<Tensor> featuresPerDomain)
    {
        ArgumentNullException.ThrowIfNull(featuresPerDomain);
        if (featuresPerDomain.Count < 2)
            throw new ArgumentException($"need features of at least 2 domains; got {featuresPerDomain.Count}.", nameof(featuresPerDomain));
        long d = -1;
        for (int i = 0; i < featuresPerDomain.Count; i++)
        {
            var f = featuresPerDomain[i];
            if (f.dim() != 2 || f.shape[0] < 1)
                throw new ArgumentException($"domain {i}: features must be [N,D] with N >= 1; got [{string.Join(",", f.shape)}].", nameof(featuresPerDomain));
            if (d >= 0 && f.shape[1] != d)
                throw new ArgumentException($"domain {i}: {f.shape[1]} features per row, domain 0 has {d}.", nameof(featuresPerDomain));
            d = f.shape[1];
        }
        DisposeState();
        int k = featuresPerDomain.Count;

        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var x = cat(featuresPerDomain.Select(f => f.detach().to(ScalarType.Float32, CPU)).ToList(), 0);
        var y = cat(featuresPerDomain.Select((f, i) => full(f.shape[0], i, ScalarType.Int64)).ToList(), 0);
        var mean = x.mean(new long[] { 0 });
        // Constant features (std 0) would divide by zero; treat them as unit scale.
        var std = x.std(0).clamp_min(1e-6);
        var xs = (x - mean) / std;

        var weight = nn.Parameter(zeros(d, k));
        var bias = nn.Parameter(zeros(k));
        var optimizer = optim.Adam(new[] { weight, bias }, _learningRate);
        double loss = double.NaN;
        for (int step = 0; step < _steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var ce = nn.functional.cross_entropy(xs.matmul(weight) + bias, y);
            var total = ce + _weightDecay * weight.square().sum();
            total.backward();
            optimizer.step();
            loss = ce.item<float>();
        }
        FinalLoss = loss;
        _mean = mean.DetachFromDisposeScope();
        _std = std.DetachFromDisposeScope();
        _weight = weight.detach().clone().DetachFromDisposeScope();
        _bias = bias.detach().clone().DetachFromDisposeScope();
        Classes = k;
    }

    /// <summary>Class logits [N,K] for features [N,D].</summary>
    public Tensor Logits(Tensor features)
    {
        if (_weight is null || _bias is null || _mean is null || _std is null)
            throw new InvalidOperationException("DomainClassifier.Fit must be called before prediction.");
        if (features.dim() != 2 || features.shape[1] != _weight.shape[0])
            throw new ArgumentException($"features must be [N,{_weight.shape[0]}]; got [{string.Join(",", features.shape)}].", nameof(features));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var xs = (features.detach().to(ScalarType.Float32, CPU) - _mean) / _std;
        return (xs.matmul(_weight) + _bias).MoveToOuterDisposeScope();
    }

    /// <summary>Most likely domain index for each row of features [N,D].</summary>
    public int[] Predict(Tensor features)
    {
        using var scope = NewDisposeScope();
        return Logits(features).argmax(1).to(ScalarType.Int32).data<int>().ToArray();
    }

    /// <summary>Fraction of rows of features [N,D] predicted as <paramref name="label"/>.</summary>
    public double Accuracy(Tensor features, int label)
    {
        if (Classes > 0 && (label < 0 || label >= Classes))
            throw new ArgumentOutOfRangeException(nameof(label), $"label must be in [0,{Classes - 1}], got {label}.");
        var predicted = Predict(features);
        if (predicted.Length == 0) throw new ArgumentException("features has no rows.", nameof(features));
        return predicted.Count(p => p == label) / (double)predicted.Length;
    }

    void DisposeState()
    {
        _mean?.Dispose(); _std?.Dispose(); _weight?.Dispose(); _bias?.Dispose();
        _mean = _std = _weight = _bias = null;
        Classes = 0;
    }

    public void Dispose() => DisposeState();
}
