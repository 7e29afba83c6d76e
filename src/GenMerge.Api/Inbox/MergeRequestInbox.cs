using GenMerge.Pipeline.Storage;

namespace GenMerge.Api.Inbox;

/// <summary>
/// The merge-requests container seen as a store: where the blob trigger writes its
/// <c>{name}.started.json</c> / <c>{name}.error.json</c> answers beside each request.
/// </summary>
public sealed class MergeRequestInbox(IArtifactStore store)
{
    /// <summary>The container (or, for `serve --work`, the folder) whose new entries are merge requests.</summary>
    public const string Container = "merge-requests";

    public const string StartedSuffix = ".started.json";
    public const string ErrorSuffix = ".error.json";

    public IArtifactStore Store { get; } = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>True for the trigger's own answers, which must not be read as requests.</summary>
    public static bool IsAnswer(string blobName) =>
        blobName.EndsWith(StartedSuffix, StringComparison.OrdinalIgnoreCase) || blobName.EndsWith(ErrorSuffix, StringComparison.OrdinalIgnoreCase);

    public static string StartedName(string blobName) => AnswerName(blobName, StartedSuffix);
    public static string ErrorName(string blobName) => AnswerName(blobName, ErrorSuffix);

    /// <summary>
    /// "{blob}{suffix}"; a blob name the store's naming rules refuse (spaces, leading '.') gets its
    /// offending characters replaced by '_' so the answer can still be written next to it.
    /// </summary>
    static string AnswerName(string blobName, string suffix)
    {
        string name = blobName + suffix;
        if (ArtifactNames.IsValid(name)) return name;
        var segments = blobName.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => new string(s.Select(c => IsNameChar(c) ? c : '_').ToArray()))
            .Select(s => s.StartsWith('.') ? "_" + s[1..] : s);
        return string.Join('/', segments) + suffix;
    }

    static bool IsNameChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '_' or '-' or '=' or '+' or '@' or '~';
}
