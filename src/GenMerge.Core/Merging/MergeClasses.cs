namespace GenMerge.Core.Merging;

/// <summary>
/// One class of a merged model: its index, name, the source it comes from, and that source's class
/// (null for an unconditional source, 0 for a one-class source, k for class k of a multi-class source).
/// </summary>
public sealed record MergeClass(int Index, string Name, int Source, int? SourceClass);

/// <summary>
/// The merged model's classes: each source's classes in source order. An unconditional or one-class source is one
/// class named after the model; a K-class source contributes its K classes under its checkpoint's class names
/// (model-k where it has none), so a K-class merged model plus one new source gives K + 1 classes.
/// </summary>
public static class MergeClasses
{
    /// <param name="names">The sources' names in the merge (the request's model names).</param>
    /// <param name="cDims">The sources' c_dim.</param>
    /// <param name="classNames">The sources' checkpoint class names (null or empty: none stored).</param>
    public static IReadOnlyList<MergeClass> Of(IReadOnlyList<string> names, IReadOnlyList<int> cDims,
                                               IReadOnlyList<IReadOnlyList<string>?> classNames)
    {
        if (names.Count != cDims.Count || names.Count != classNames.Count)
            throw new ArgumentException("models: names, c_dims and class names differ in count");
        var classes = new List<MergeClass>();
        for (int m = 0; m < names.Count; m++)
        {
            if (cDims[m] <= 1)
            {
                classes.Add(new MergeClass(classes.Count, names[m], m, cDims[m] == 0 ? null : 0));
                continue;
            }
            var stored = classNames[m] is { Count: > 0 } s && s.Count == cDims[m] ? s : null;
            for (int k = 0; k < cDims[m]; k++)
                classes.Add(new MergeClass(classes.Count, stored is null ? $"{names[m]}-{k}" : Safe(stored[k], $"{names[m]}-{k}"), m, k));
        }
        // Refused rather than renamed: a silent suffix would make the report's rows hard to match with the sources.
        var dup = classes.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw new ArgumentException($"models: the class name '{dup.Key}' is given by " +
                string.Join(" and ", dup.Select(c => c.SourceClass is { } k && cDims[c.Source] > 1 ? $"{names[c.Source]} (class {k})" : names[c.Source])) +
                "; class names must be unique: give the model another name (--name)");
        return classes;
    }

    /// <summary>
    /// Whether the merge needs the class-extended path (docs/design.md §1): a source with several classes, or sources
    /// of different c_dim. One-domain sources of one c_dim (0 or 1) take the paper's path unchanged.
    /// </summary>
    public static bool Extended(IReadOnlyList<int> cDims) => cDims.Any(c => c >= 2) || cDims.Distinct().Count() > 1;

    /// <summary>The merged index of the first class of source <paramref name="source"/>.</summary>
    public static int Offset(IReadOnlyList<MergeClass> classes, int source) => classes.First(c => c.Source == source).Index;

    /// <summary>The classes of one source, in order.</summary>
    public static IReadOnlyList<MergeClass> OfSource(IReadOnlyList<MergeClass> classes, int source) =>
        classes.Where(c => c.Source == source).ToList();

    /// <summary>Class names become artifact path segments: letters, digits, '-' and '_' kept, the rest '-'.</summary>
    static string Safe(string name, string fallback)
    {
        var s = new string(name.Trim().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        return s.Trim('-').Length == 0 ? fallback : s;
    }
}
