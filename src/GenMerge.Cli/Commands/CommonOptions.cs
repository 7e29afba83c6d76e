using System.CommandLine;

namespace GenMerge.Cli.Commands;

/// <summary>Options several commands share, with the same names and defaults everywhere.</summary>
public static class CommonOptions
{
    public static Option<long> Seed() => new("--seed") { Description = "Random seed (same seed, same result)", DefaultValueFactory = _ => 1 };

    public static Option<FileInfo> Model(string description = "Checkpoint (.safetensors, or a stylegan2-ada .pkl / torch .pt imported on the fly)") =>
        new Option<FileInfo>("--model") { Description = description, Required = true }.ExistingFile();

    public static Option<int?> Class() => new("--class") { Description = "Class index of a conditional model (default: all classes)" };

    public static Option<int> Count(int dflt) => new("--n") { Description = "Number of images", DefaultValueFactory = _ => dflt };

    public static Option<double?> Gamma() => new("--gamma") { Description = "R1 weight (default: 0.0002 * resolution^2 / batch, stylegan2-ada's heuristic)" };

    public static Option<string?> Aug() => new Option<string?>("--aug")
    {
        Description = "Augment what D sees (stylegan2-ada's --aug: flips, quarter turns, shifts): noaug, ada (p adapts to D's overfitting), fixed (p = --aug-p); default noaug",
    }.AcceptOnlyFromAmong(Core.Training.AugmentModes.All.ToArray());

    public static Option<double?> AugP() => new("--aug-p") { Description = "Augmentation probability for --aug fixed, or where --aug ada starts (default 0)" };

    public static Option<string?> AugPipe() => new Option<string?>("--aug-pipe")
    {
        Description = "Transforms --aug draws from (stylegan2-ada's --augpipe): blit (flips, quarter turns, shifts), bgc (+ scale, rotation, fractional shift, brightness, contrast, luma flip, hue, saturation); default blit",
    }.AcceptOnlyFromAmong(Core.Training.AugmentPipes.All.ToArray());

    public static Option<double?> AugTarget() => new("--aug-target") { Description = "--aug ada's target for r_t = E[sign(D(real))] (default 0.6)" };

    public static Option<string> Out(string description, bool required = true) => new("--out") { Description = description, Required = required };

    /// <summary>
    /// The file must exist and be a file. Replaces System.CommandLine's AcceptExistingOnly, whose message
    /// names neither the option nor, for a folder, what is wrong with it.
    /// </summary>
    public static Option<FileInfo?> ExistingFile(this Option<FileInfo?> option)
    {
        option.Validators.Add(r => Check(r, option.Name, r.GetValueOrDefault<FileInfo?>()));
        return option;
    }

    public static Option<FileInfo[]> ExistingFiles(this Option<FileInfo[]> option)
    {
        option.Validators.Add(r => Check(r, option.Name, r.GetValueOrDefault<FileInfo[]?>() ?? []));
        return option;
    }

    public static Argument<FileInfo> ExistingFile(this Argument<FileInfo> argument)
    {
        argument.Validators.Add(r => Check(r, argument.Name, r.GetValueOrDefault<FileInfo?>()));
        return argument;
    }

    /// <summary>Reports the first of <paramref name="files"/> that cannot be read as a file, naming the option.</summary>
    static void Check(System.CommandLine.Parsing.SymbolResult r, string name, params FileInfo?[] files)
    {
        if (files.Select(f => f is null ? null : Problem(f)).FirstOrDefault(p => p is not null) is { } problem)
            r.AddError($"{name}: {problem}");
    }

    /// <summary>Why a path given as a checkpoint or other input file cannot be read as one; null when it can.</summary>
    static string? Problem(FileInfo f) =>
        Directory.Exists(f.FullName) ? $"'{f}' is a folder, not a file"
        : !f.Exists ? $"'{f}' does not exist"
        : null;

    public static void Positive(this Option<int> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() <= 0) r.AddError($"{option.Name} must be positive");
        });
    }

    /// <summary>An optional value, when given, must be positive.</summary>
    public static void Positive(this Option<int?> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0) r.AddError($"{option.Name} must be positive");
        });
    }

    public static void NonNegative(this Option<int> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0) r.AddError($"{option.Name} must be >= 0");
        });
    }
}
