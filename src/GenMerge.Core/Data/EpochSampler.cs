namespace GenMerge.Core.Data;

/// <summary>
/// Draws item indices in shuffled epochs: every item once per epoch, a fresh seeded permutation each
/// epoch, batches running across epoch boundaries. Same seed and call sequence, same indices.
/// </summary>
public sealed class EpochSampler
{
    private readonly long _seed;
    private int[] _order = Array.Empty<int>();
    private int _position;

    public EpochSampler(int count, long seed)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "sampler needs at least one item");
        Count = count;
        _seed = seed;
        Epoch = -1;
    }

    public int Count { get; }
    /// <summary>Zero-based epoch of the most recently drawn index (-1 before the first draw).</summary>
    public long Epoch { get; private set; }

    public int[] Next(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "batch size must be positive");
        var result = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (_position >= _order.Length) StartEpoch();
            result[i] = _order[_position++];
        }
        return result;
    }

    private void StartEpoch()
    {
        Epoch++;
        _order = Enumerable.Range(0, Count).ToArray();
        var rng = SplitMix64.For(_seed, Epoch);
        rng.Shuffle(_order);
        _position = 0;
    }
}
