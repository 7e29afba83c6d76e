using GenMerge.Core.Merging;

/// <summary>The subset of `genmerge merge` options the benchmark passes to both runners, same names and defaults.</summary>
sealed record DirectOptions(IReadOnlyList<string> Models, string Out, MergeSettings Settings, bool ThreadPool)
{
    public static DirectOptions Parse(string[] args)
    {
        var models = new List<string>();
        string? output = null;
        var s = new MergeSettings();
        bool threadPool = false;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]}: needs a value");
            int Int() { var name = args[i]; var v = Value(); return int.TryParse(v, out var n) ? n : throw new ArgumentException($"{name}: '{v}' is not an integer"); }
            switch (args[i])
            {
                case "--model": models.Add(Value()); break;
                case "--out": output = Value(); break;
                case "--thread-pool": threadPool = true; break;
                case "--method": s = s with { Method = Value() }; break;
                case "--root": s = s with { Root = Int() }; break;
                case "--rooting-steps": s = s with { RootingSteps = Int() }; break;
                case "--merge-steps": s = s with { MergeSteps = Int() }; break;
                case "--batch": s = s with { BatchSize = Int() }; break;
                case "--samples": s = s with { SamplesPerModel = Int() }; break;
                case "--eval-samples": s = s with { EvalSamples = Int() }; break;
                case "--seed": s = s with { Seed = Int() }; break;
                default: throw new ArgumentException($"unknown option '{args[i]}' (known: --model --out --thread-pool --method --root --rooting-steps --merge-steps --batch --samples --eval-samples --seed)");
            }
        }
        if (output is null) throw new ArgumentException("--out: required (folder for merged.safetensors, report.json, grids)");
        return new DirectOptions(models, output, s.Validate(models.Count), threadPool);
    }
}
