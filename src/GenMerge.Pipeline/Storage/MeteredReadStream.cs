using GenMerge.Pipeline.Telemetry;

namespace GenMerge.Pipeline.Storage;

/// <summary>
/// A read stream that counts the bytes its reader actually took and records them once, when it is
/// disposed, in genmerge.artifacts.bytes (direction read): the size of an artifact is not what a
/// reader that stops early (a header probe) costs. Everything else passes through to the inner stream.
/// </summary>
internal sealed class MeteredReadStream(Stream inner) : Stream
{
    long read;
    bool recorded;

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));
    public override int ReadByte() { int b = inner.ReadByte(); if (b >= 0) read++; return b; }

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    int Count(int n) { read += n; return n; }

    void Record()
    {
        if (recorded) return;
        recorded = true;
        GenMergeTelemetry.RecordBytes(write: false, read);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) { Record(); inner.Dispose(); }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        Record();
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
