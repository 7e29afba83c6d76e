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

/// <summary>Training data that can also give each sample's latent: the pairs (z, G_i(z)) distillation regresses on.</summary>
public interface IPairedTrainingData : ITrainingData
{
    /// <summary>Whether every sample has its latent (synthetic samples do; real images do not).</summary>
    bool HasLatents { get; }
    (Tensor Z, Tensor Images, Tensor? ClassIds) NextPairs(int batchSize);
}

/// <summary>One unlabelled source.</summary>
public sealed class UnconditionalData(IClassSamples source) : IPairedTrainingData
{
    public UnconditionalData(IImageSource source) : this(new ImageSamples(source)) { }

    public string Name => source.Name;
    public int Classes => 0;
    public bool HasLatents => source.HasLatents;
    public (Tensor Images, Tensor? ClassIds) Next(int batchSize) => (source.Next(batchSize).Images, null);

    public (Tensor Z, Tensor Images, Tensor? ClassIds) NextPairs(int batchSize)
    {
        var (images, z) = source.Next(batchSize);
        return (z ?? throw ClassMixData.NoLatents(source.Name), images, null);
    }
}

/// <summary>
/// The union of N sources, source i labelled class i, classes drawn uniformly (1/N each) per sample.
/// </summary>
public sealed class ClassMixData : IPairedTrainingData
{
    readonly IReadOnlyList<IClassSamples> sources;
    readonly IReadOnlyList<int>? labels;
    readonly int classes;
    readonly Random rng;

    public ClassMixData(IReadOnlyList<IImageSource> sources, long seed, IReadOnlyList<int>? labels = null, int? classes = null)
        : this(sources.Select(s => (IClassSamples)new ImageSamples(s)).ToList(), seed, labels, classes) { }

    /// <param name="labels">The class id of each source (null: 0..n-1); rooting on a multi-class source's classes
    /// labels them with their merged indices.</param>
    /// <param name="classes">The model's class count (null: the number of sources); above the largest label when labels are given.</param>
    public ClassMixData(IReadOnlyList<IClassSamples> sources, long seed, IReadOnlyList<int>? labels = null, int? classes = null)
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
    public bool HasLatents => sources.All(s => s.HasLatents);

    public (Tensor Images, Tensor? ClassIds) Next(int batchSize)
    {
        var (images, _, ids) = Draw(batchSize, latents: false);
        return (images, ids);
    }

    public (Tensor Z, Tensor Images, Tensor? ClassIds) NextPairs(int batchSize)
    {
        if (!HasLatents) throw NoLatents(Name);
        var (images, z, ids) = Draw(batchSize, latents: true);
        return (z!, images, ids);
    }

    internal static InvalidOperationException NoLatents(string name) =>
        new($"{name}: these samples have no latents (real images), so there are no (z, G(z)) pairs to distil");

    (Tensor Images, Tensor? Z, Tensor ClassIds) Draw(int batchSize, bool latents)
    {
        var labels = new long[batchSize];
        for (int i = 0; i < batchSize; i++) labels[i] = rng.Next(sources.Count);
        var counts = new int[sources.Count];
        foreach (var l in labels) counts[l]++;
        // Draw each class's share in one batch, then put the samples back in label order.
        var perClass = new (Tensor Images, Tensor? Z)[sources.Count];
        for (int k = 0; k < sources.Count; k++)
            if (counts[k] > 0) perClass[k] = sources[k].Next(counts[k]);
        var taken = new int[sources.Count];
        var rows = new Tensor[batchSize];
        var zs = latents ? new Tensor[batchSize] : null;
        for (int i = 0; i < batchSize; i++)
        {
            var k = (int)labels[i];
            var row = taken[k]++;
            rows[i] = perClass[k].Images[row];
            if (zs is not null) zs[i] = perClass[k].Z![row];
        }
        var images = stack(rows);
        var z = zs is null ? null : stack(zs);
        if (this.labels is { } map) for (int i = 0; i < batchSize; i++) labels[i] = map[(int)labels[i]];
        return (images, z, tensor(labels, dtype: int64));
    }
}
