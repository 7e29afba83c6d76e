using System.Security.Cryptography;

namespace GenMerge.Pipeline.Storage;

/// <summary>SHA-256 of a stream's content, read once in chunks.</summary>
public static class ContentHasher
{
    public static async Task<(long Size, string Sha256)> HashAsync(Stream content, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[1 << 16];
        long size = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            size += read;
        }
        return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>Lowercase hex SHA-256 of a UTF-8 string (used to derive fixed-length keys from names).</summary>
    public static string HashText(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
