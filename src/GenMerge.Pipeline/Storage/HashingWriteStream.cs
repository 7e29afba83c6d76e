using System.Security.Cryptography;

namespace GenMerge.Pipeline.Storage;

/// <summary>
/// A forward-only write stream that passes bytes to an inner stream while counting them and
/// hashing them with SHA-256, so a write's size and content hash cost no second pass.
/// </summary>
internal sealed class HashingWriteStream : Stream
{
    readonly Stream inner;
    readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    long length;

    public HashingWriteStream(Stream inner) => this.inner = inner;

    public long BytesWritten => length;

    /// <summary>The lowercase hex SHA-256 of everything written so far (call once, at the end).</summary>
    public string FinishHash() => Convert.ToHexStringLower(hash.GetHashAndReset());

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        hash.AppendData(buffer);
        length += buffer.Length;
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        hash.AppendData(buffer.Span);
        length += buffer.Length;
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // The inner stream belongs to the caller; only the hash is ours.
        if (disposing) hash.Dispose();
        base.Dispose(disposing);
    }
}
