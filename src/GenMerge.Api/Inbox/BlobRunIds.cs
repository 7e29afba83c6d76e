using System.Security.Cryptography;
using System.Text;

namespace GenMerge.Api.Inbox;

/// <summary>
/// The run id of a merge started by a request blob: a function of the blob's name alone, so a
/// re-delivered trigger for the same blob finds the run it started and does not start another.
/// </summary>
public static class BlobRunIds
{
    const int StemLength = 40;

    /// <summary>"blob-{readable stem}-{12 hex of SHA-256(name)}": valid as an instance id and as a run folder.</summary>
    public static string For(string blobName)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        string file = blobName.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? blobName[..^5] : blobName;
        var stem = new StringBuilder();
        foreach (char c in file)
        {
            bool keep = char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
            char next = keep ? c : '-';
            if (next == '-' && (stem.Length == 0 || stem[^1] == '-')) continue;
            stem.Append(next);
            if (stem.Length == StemLength) break;
        }
        string readable = stem.ToString().Trim('-');
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blobName)))[..12];
        return readable.Length == 0 ? $"blob-{hash}" : $"blob-{readable}-{hash}";
    }
}
