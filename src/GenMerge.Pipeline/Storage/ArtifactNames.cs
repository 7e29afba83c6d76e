namespace GenMerge.Pipeline.Storage;

/// <summary>
/// Rules for artifact names: relative, '/'-separated, deterministic. The same name maps to a file
/// under a local root and to a blob name inside one container, so the rules are the intersection
/// of what both accept, plus a ban on '.'-leading segments (the local store keeps temp files there).
/// </summary>
public static class ArtifactNames
{
    public const int MaxLength = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem unless <paramref name="name"/> is a valid artifact name.</summary>
    public static string Validate(string? name, string paramName = "name")
    {
        string? problem = Problem(name, allowTrailingSlash: false);
        if (problem is not null)
            throw new ArgumentException($"Artifact name '{name}' is invalid: {problem}. {Rules}", paramName);
        return name!;
    }

    /// <summary>Validates a listing prefix: empty, or a name that may end with '/' or stop mid-segment.</summary>
    public static string ValidatePrefix(string? prefix, string paramName = "prefix")
    {
        if (string.IsNullOrEmpty(prefix)) return "";
        string? problem = Problem(prefix, allowTrailingSlash: true);
        if (problem is not null)
            throw new ArgumentException($"Artifact prefix '{prefix}' is invalid: {problem}. {Rules}", paramName);
        return prefix;
    }

    /// <summary>Validates one path segment (a run id, a model key) before it is put into a name.</summary>
    public static string ValidateSegment(string? segment, string what)
    {
        string? problem = segment is null or "" ? "it is empty"
            : segment.Contains('/') ? "it contains '/'"
            : SegmentProblem(segment);
        if (problem is not null)
            throw new ArgumentException($"{what} '{segment}' cannot be used in an artifact name: {problem}. {Rules}", what);
        return segment!;
    }

    public static bool IsValid(string? name) => Problem(name, allowTrailingSlash: false) is null;

    const string Rules =
        "Names are relative paths like 'runs/abc/merged.safetensors': segments of letters, digits and . _ - = + @ ~, " +
        "separated by single '/', none empty, none starting with '.'";

    static string? Problem(string? name, bool allowTrailingSlash)
    {
        if (string.IsNullOrEmpty(name)) return "it is empty";
        if (name.Length > MaxLength) return $"it is {name.Length} characters long (at most {MaxLength})";
        if (name[0] == '/') return "it starts with '/' (names are relative)";
        if (name.Contains('\\')) return "it contains '\\' (use '/' as the separator)";
        string body = allowTrailingSlash && name.EndsWith('/') ? name[..^1] : name;
        if (body.Length == 0) return "it is empty";
        if (body.EndsWith('/')) return "it ends with '/'";
        foreach (string segment in body.Split('/'))
        {
            string? p = SegmentProblem(segment);
            if (p is not null) return p;
        }
        return null;
    }

    static string? SegmentProblem(string segment)
    {
        if (segment.Length == 0) return "it has an empty segment ('//')";
        if (segment is "." or "..") return $"segment '{segment}' is not allowed";
        if (segment[0] == '.') return $"segment '{segment}' starts with '.'";
        foreach (char c in segment)
        {
            bool ok = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
                or '.' or '_' or '-' or '=' or '+' or '@' or '~';
            if (!ok) return $"segment '{segment}' contains the character {Describe(c)}";
        }
        return null;
    }

    static string Describe(char c) => char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"'{c}'";
}
