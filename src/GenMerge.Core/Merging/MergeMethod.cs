namespace GenMerge.Core.Merging;

/// <summary>The merge strategies: GAN Cocktail and the baselines it is compared with.</summary>
public static class MergeMethod
{
    /// <summary>Rooting, uniform averaging, conditional fine-tuning (the paper's method).</summary>
    public const string Cocktail = "cocktail";
    /// <summary>Naive average of the independently trained sources, no fine-tuning.</summary>
    public const string Average = "average";
    /// <summary>Naive average, then conditional fine-tuning on the full budget.</summary>
    public const string AverageFinetune = "average-finetune";
    /// <summary>TransferGAN: the root alone, made conditional and fine-tuned on the full budget.</summary>
    public const string Transfer = "transfer";
    /// <summary>A conditional GAN from random init on the same synthetic data and budget.</summary>
    public const string Union = "union";
    /// <summary>Extra: TIES-merging of the rooted deltas from the root, then fine-tuning like cocktail.</summary>
    public const string Ties = "ties";

    public static readonly IReadOnlyList<string> All = new[] { Cocktail, Average, AverageFinetune, Transfer, Union, Ties };

    public static string Validate(string method) => All.Contains(method) ? method
        : throw new ArgumentException($"method: unknown merge method '{method}' (expected one of {string.Join(", ", All)})");

    /// <summary>Whether the method roots the non-root models first.</summary>
    public static bool UsesRooting(string method) => method is Cocktail or Ties;

    /// <summary>Whether the method's fine-tuning starts from trained weights (all but union, which starts at random).</summary>
    public static bool StartsFromTrained(string method) => method is not Union;

    /// <summary>
    /// Conditional fine-tuning steps. Methods without rooting get the rooting steps too, so every
    /// method trains the same total number of steps.
    /// </summary>
    public static int FinetuneSteps(string method, int models, int rootingSteps, int mergeSteps) => method switch
    {
        Cocktail or Ties => mergeSteps,
        Average => 0,
        _ => mergeSteps + (models - 1) * rootingSteps,
    };
}
