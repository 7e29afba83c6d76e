using System.Globalization;

/// <summary>Command-line settings: <c>--name value</c> pairs, each with a default.</summary>
sealed record BenchOptions
{
    public int Resolution { get; init; } = 32;
    public int Batch { get; init; } = 32;
    public int Warmup { get; init; } = 10;
    public int Steps { get; init; } = 100;
    public string[] Families { get; init; } = { "compact", "stylegan2" };
    public int MemorySteps { get; init; } = 2000;
    public int MemoryEvery { get; init; } = 100;
    /// <summary>Families that get the long memory run ("none" for no memory run).</summary>
    public string[] MemoryFamilies { get; init; } = { "compact" };
    /// <summary>Per family, warm-up and timing each stop after this many seconds (timing after at least 3 steps),
    /// so the slow stylegan2 steps fit a shared 2-core machine; the report gives the steps actually timed.</summary>
    public int MaxSeconds { get; init; } = 180;
    /// <summary>The memory run stops at the first sample after this many seconds.</summary>
    public int MemoryMaxSeconds { get; init; } = 900;
    public int MatmulN { get; init; } = 1024;
    public string Out { get; init; } = "bench/training/RESULTS.md";

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string key = args[i];
            if (i + 1 >= args.Length) throw new ArgumentException($"{key}: missing value");
            string v = args[++i];
            o = key switch
            {
                "--resolution" => o with { Resolution = Int(key, v) },
                "--batch" => o with { Batch = Int(key, v) },
                "--warmup" => o with { Warmup = Int(key, v) },
                "--steps" => o with { Steps = Int(key, v) },
                "--families" => o with { Families = List(v) },
                "--memory-steps" => o with { MemorySteps = Int(key, v) },
                "--memory-every" => o with { MemoryEvery = Int(key, v) },
                "--memory-families" => o with { MemoryFamilies = v == "none" ? Array.Empty<string>() : List(v) },
                "--max-seconds" => o with { MaxSeconds = Int(key, v) },
                "--memory-max-seconds" => o with { MemoryMaxSeconds = Int(key, v) },
                "--matmul-n" => o with { MatmulN = Int(key, v) },
                "--out" => o with { Out = v },
                _ => throw new ArgumentException($"unknown option '{key}' (see bench/training/README.md)"),
            };
        }
        return o;
    }

    static string[] List(string v) => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    static int Int(string key, string v) =>
        int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n : throw new ArgumentException($"{key}: '{v}' is not a positive integer");
}
