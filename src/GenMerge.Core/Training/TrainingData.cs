using GenMerge.Core.Data;
using static TorchSharp.torch;

namespace GenMerge.Core.Training;

/// <summary>Batches of real images with optional class ids ([B] int64), as the trainer consumes them.</summary>
public interface ITrainingData
{
    string Name { get; }
    /// <summary>0 for unconditional data.</summary>
    int Classes { get; }
    (Tensor Images, Tensor? ClassIds) Next(int batchSize);
}

/// <summary>One unlabelled image source.</summary>
public sealed class UnconditionalData(IImageSource source) : ITrainingData
{
    public string Name => source.Name;
    public int Classes => 0;
    public (Tensor Images, Tensor? ClassIds) Next(int batchSize) => (source.NextBatch(batchSize), null);
}

/// <summary>
/// The union of N sources, source i labelled class i, classes drawn uniformly (1/N each) per sample.
/// </summary>
public sealed class ClassMixData : ITrainingData
{
    readonly IReadOnlyList<IImageSource> sources;
    readonly IReadOnlyList<int>? labels;
    readonly int classes;
    readonly Random rng;

    /// <param name="labels">The class id of each source (null: 0..n-1); rooting on a multi-class source's classes
    /// labels them with their merged indices.</param>
    /// <param name="classes">The model's class count (null: the number of sources); above the largest label when labels are given.</param>
    public ClassMixData(IReadOnlyList<IImageSource> sources, long seed, IReadOnlyList<int>? labels = null, int? classes = null)
    {
        if (sources.Count == 0) throw new ArgumentException("sources: at least one class source is needed");
        if (labels is not null && labels.Count != sources.Count) throw new ArgumentException($"labels: {labels.Count} for {sources.Count} sources");
        this.classes = classes ?? sources.Count;
        if (labels is not null && labels.Any(l => l < 0 || l >= this.classes))
            throw new ArgumentException($"labels: every label must be in 0..{this.classes - 1}");
        this.labels = labels;
        var res = sources[0].Resolution;
        foreach (var s in sources)
            if (s.Resolution != res) throw new ArgumentException($"sources: '{s.Name}' has resolution {s.Resolution}, expected {res}");
        this.sources = sources;
        rng = new Random(unchecked((int)seed));
    }

    public string Name => "mix(" + string.Join(",", sources.Select(s => s.Name)) + ")";
    public int Classes => classes;

    public (Tensor Images, Tensor? ClassIds) Next(int batchSize)
    {
        var labels = new long[batchSize];
        for (int i = 0; i < batchSize; i++) labels[i] = rng.Next(sources.Count);
        var counts = new int[sources.Count];
        foreach (var l in labels) counts[l]++;
        // Draw each class's share in one batch, then put the samples back in label order.
        var perClass = new Tensor?[sources.Count];
        for (int k = 0; k < sources.Count; k++)
            if (counts[k] > 0) perClass[k] = sources[k].NextBatch(counts[k]);
        var taken = new int[sources.Count];
        var rows = new Tensor[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            var k = (int)labels[i];
            rows[i] = perClass[k]![taken[k]++];
        }
        var images = stack(rows);
        if (this.labels is { } map) for (int i = 0; i < batchSize; i++) labels[i] = map[(int)labels[i]];
        return (images, tensor(labels, dtype: int64));
    }
}
