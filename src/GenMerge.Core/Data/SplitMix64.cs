namespace GenMerge.Core.Data;

/// <summary>
/// Small seeded generator with a fixed algorithm (SplitMix64), so procedural images and shuffles are
/// the same on every .NET version and machine (System.Random's seeded output is not a contract).
/// </summary>
public struct SplitMix64
{
    private ulong _state;

    public SplitMix64(long seed) => _state = (ulong)seed;

    /// <summary>A generator for item <paramref name="index"/> of stream <paramref name="seed"/>: independent streams per item.</summary>
    public static SplitMix64 For(long seed, long index)
    {
        var g = new SplitMix64(seed);
        ulong mixed = g.NextUInt64() ^ ((ulong)index * 0xD1B54A32D192ED03UL);
        return new SplitMix64((long)mixed);
    }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public float Uniform(float min, float max) => (float)(min + (max - min) * NextDouble());

    /// <summary>Uniform integer in [min, max).</summary>
    public int Next(int min, int max) => min + (int)(NextDouble() * (max - min));

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = Next(0, i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
