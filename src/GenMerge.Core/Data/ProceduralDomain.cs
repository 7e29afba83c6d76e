using static TorchSharp.torch;

namespace GenMerge.Core.Data;

/// <summary>
/// An endless, seeded stream of procedural images of one visual domain ("rings", "squares", ...), RGB in
/// [-1, 1]. Image i depends only on (seed, i), so batches split differently still give the same images.
/// </summary>
public sealed class ProceduralDomain : IImageSource
{
    private readonly Action<ShapeCanvas, SplitMix64> _painter;
    private long _position;

    private ProceduralDomain(string domain, int resolution, long seed, Action<ShapeCanvas, SplitMix64> painter)
    {
        Domain = domain; Resolution = resolution; Seed = seed; _painter = painter;
    }

    /// <summary>Valid domain names.</summary>
    public static IReadOnlyList<string> Names { get; } = ProceduralPainters.All.Keys.ToArray();

    public static ProceduralDomain Create(string name, int resolution, long seed)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (resolution < 2) throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "resolution must be at least 2 pixels");
        var key = name.Trim().ToLowerInvariant();
        if (!ProceduralPainters.All.TryGetValue(key, out var painter))
            throw new ArgumentException($"unknown image domain '{name}'; valid domains: {string.Join(", ", Names)}", nameof(name));
        return new ProceduralDomain(key, resolution, seed, painter);
    }

    /// <summary>"domain:NAME", the spec that <see cref="ImageSources.Parse"/> turns back into this source.</summary>
    public string Name => Prefix + Domain;

    const string Prefix = "domain:";

    /// <summary>"domain:rings" -> "rings" (e.g. a checkpoint's provenance data); null for anything else.</summary>
    public static string? DomainOf(string? data) =>
        data is not null && data.StartsWith(Prefix, StringComparison.Ordinal) ? data[Prefix.Length..] : null;
    public string Domain { get; }
    public int Resolution { get; }
    public long Seed { get; }
    /// <summary>Index of the next image <see cref="NextBatch"/> returns.</summary>
    public long Position => _position;

    public Tensor NextBatch(int batchSize)
    {
        var batch = Render(_position, batchSize);
        _position += batchSize;
        return batch;
    }

    /// <summary>Images <paramref name="start"/> .. start+count-1 of this stream, [count, 3, R, R]; does not move <see cref="Position"/>.</summary>
    public Tensor Render(long start, int count)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "batch size must be positive");
        if (start < 0) throw new ArgumentOutOfRangeException(nameof(start), start, "start must be >= 0");
        int r = Resolution, size = 3 * r * r;
        var data = new float[(long)count * size];
        Parallel.For(0, count, i =>
        {
            _painter(new ShapeCanvas(data, i * size, r), SplitMix64.For(Seed, start + i));
            var span = data.AsSpan(i * size, size);
            for (int k = 0; k < span.Length; k++) span[k] = Math.Clamp(span[k], 0f, 1f) * 2f - 1f;
        });
        return tensor(data, new long[] { count, 3, r, r });
    }
}
