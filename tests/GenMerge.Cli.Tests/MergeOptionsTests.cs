using System.CommandLine;
using GenMerge.Cli.Commands;
using GenMerge.Core.Merging;

namespace GenMerge.Cli.Tests;

/// <summary>How the merge options turn into settings over a command's defaults (the demo's profile, or the schema's).</summary>
public class MergeOptionsTests
{
    static MergeSettings Parse(MergeSettings defaults, params string[] args)
    {
        var opts = new MergeOptions();
        var cmd = new RootCommand();
        foreach (var o in opts.All) cmd.Options.Add(o);
        var p = cmd.Parse(args);
        Assert.Empty(p.Errors);
        return opts.Settings(p, defaults);
    }

    [Fact]
    public void A_profile_keeps_its_method_root_and_seed_unless_the_option_is_given()
    {
        // --method, --root and --seed have defaults for --help; those must not replace a profile's own values.
        var profile = MergeSettings.Defaults with { Method = MergeMethod.AverageFinetune, Root = 1, Seed = 7, Distill = 30 };
        var kept = Parse(profile);
        Assert.Equal((MergeMethod.AverageFinetune, 1, 7L, 30.0), (kept.Method, kept.Root, kept.Seed, kept.Distill));

        // Given, they win, also where the value equals the option's own default.
        var given = Parse(profile, "--method", "cocktail", "--root", "0", "--seed", "1", "--distill", "5");
        Assert.Equal((MergeMethod.Cocktail, 0, 1L, 5.0), (given.Method, given.Root, given.Seed, given.Distill));
    }
}
