using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace GenMerge.Core.Metrics;

/// <summary>
/// FID-R18 / KID-R18 of a model's samples against a reference. Samplers are called with a count and
/// return that many images [count,C,H,W] in [-1,1]; they are called in chunks to bound memory.
/// Reference features are cached per process by (reference key, n), so evaluating several models
/// against one reference samples and featurises it once.
/// </summary>
public sealed class Evaluator : IDisposable
{
    static readonly ConcurrentDictionary<(string Key, int N), Lazy<Tensor>> ReferenceCache = new();

    readonly ResNet18Features _features;
    readonly bool _ownsFeatures;

    /// <param name="features">Feature extractor to use; null creates (and owns) one with default options.</param>
    public Evaluator(ResNet18Features? features = null, int chunkSize = 64, int kidSubsets = 100, int kidSubsetSize = 1000, int seed = 0)
    {
        if (chunkSize < 1) throw new ArgumentOutOfRangeException(nameof(chunkSize), $"chunkSize must be >= 1, got {chunkSize}.");
        if (kidSubsets < 1) throw new ArgumentOutOfRangeException(nameof(kidSubsets), $"kidSubsets must be >= 1, got {kidSubsets}.");
        if (kidSubsetSize < 2) throw new ArgumentOutOfRangeException(nameof(kidSubsetSize), $"kidSubsetSize must be >= 2, got {kidSubsetSize}.");
        _ownsFeatures = features is null;
        _features = features ?? new ResNet18Features();
        (ChunkSize, KidSubsets, KidSubsetSize, Seed) = (chunkSize, kidSubsets, kidSubsetSize, seed);
    }

    public int ChunkSize { get; }
    public int KidSubsets { get; }
    public int KidSubsetSize { get; }
    public int Seed { get; }

    /// <summary>Features [n,512] of n images drawn from <paramref name="sampler"/>.</summary>
    public Tensor Features(Func<int, Tensor> sampler, int n)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), $"n must be >= 1, got {n}.");
        var parts = new List<Tensor>();
        try
        {
            for (int done = 0; done < n;)
            {
                int count = Math.Min(ChunkSize, n - done);
                using (var scope = NewDisposeScope())
                {
                    var images = sampler(count);
                    if (images.dim() != 4 || images.shape[0] != count)
                        throw new InvalidOperationException($"sampler asked for {count} images returned shape [{string.Join(",", images.shape)}]; expected [{count},C,H,W].");
                    parts.Add(_features.Extract(images).DetachFromDisposeScope());
                }
                done += count;
            }
            return cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>Reference features for (key, n), computed once per process. The returned tensor is shared: do not dispose it.</summary>
    public Tensor ReferenceFeatures(string referenceKey, Func<int, Tensor> referenceSampler, int n)
    {
        if (string.IsNullOrWhiteSpace(referenceKey)) throw new ArgumentException("reference key must not be empty.", nameof(referenceKey));
        var lazy = ReferenceCache.GetOrAdd((referenceKey, n),
            _ => new Lazy<Tensor>(() => Features(referenceSampler, n).DetachFromDisposeScope()));
        try { return lazy.Value; }
        catch
        {
            ReferenceCache.TryRemove(new KeyValuePair<(string, int), Lazy<Tensor>>((referenceKey, n), lazy)); // do not cache failures
            throw;
        }
    }

    /// <summary>FID-R18 and KID-R18 between n model samples and n reference samples (reference cached by key).</summary>
    public EvalResult Evaluate(Func<int, Tensor> modelSampler, Func<int, Tensor> referenceSampler, int n, string referenceKey)
    {
        if (n < 2) throw new ArgumentOutOfRangeException(nameof(n), $"n must be >= 2 for FID/KID, got {n}.");
        var reference = ReferenceFeatures(referenceKey, referenceSampler, n);
        using var model = Features(modelSampler, n);
        return Compare(model, reference, referenceKey);
    }

    /// <summary>FID-R18 and KID-R18 between two feature sets (N = the smaller row count).</summary>
    public EvalResult Compare(Tensor modelFeatures, Tensor referenceFeatures, string referenceKey)
    {
        double fid = FrechetDistance.Compute(modelFeatures, referenceFeatures);
        var (kid, kidStd) = KernelDistance.Compute(modelFeatures, referenceFeatures, KidSubsets, KidSubsetSize, Seed);
        int n = (int)Math.Min(modelFeatures.shape[0], referenceFeatures.shape[0]);
        return new EvalResult(fid, kid, kidStd, n, referenceKey);
    }

    /// <summary>Forgets every cached reference (frees their memory).</summary>
    public static void ClearReferenceCache()
    {
        foreach (var key in ReferenceCache.Keys.ToList())
            if (ReferenceCache.TryRemove(key, out var lazy) && lazy.IsValueCreated) lazy.Value.Dispose();
    }

    public void Dispose()
    {
        if (_ownsFeatures) _features.Dispose();
    }
}
