using System.Runtime;

namespace GenMerge.Core.Training;

/// <summary>
/// Holds off garbage collection for the length of one training step. Why: TorchSharp 0.107's Scalar (and the
/// temporaries TorchSharp makes inside its own ops, e.g. add's alpha) hold raw native pointers freed by finalizers,
/// and nothing keeps a temporary alive until libtorch has read it. When a GC runs mid-call (another thread
/// allocates while this one is descheduled in the native op, likely on a loaded machine), the finalizer frees the
/// value under libtorch: trainings here died every ~1000 steps at load ~8 ("toFloat" checks, "alpha must not be a
/// floating point number"). With no GC inside a step, only objects of earlier steps can be finalized. Best effort:
/// when the region cannot start (another thread holds one, or the budget is refused) the step runs as before.
/// </summary>
internal sealed class GcPause : IDisposable
{
    /// <summary>Managed allocation a step may make before the runtime collects anyway (a step allocates well under 1 MB of wrappers).</summary>
    const long Budget = 32L << 20;
    static readonly object Gate = new();
    static bool held;
    readonly bool owner;

    GcPause(bool owner) => this.owner = owner;

    public static GcPause Start()
    {
        lock (Gate)
        {
            if (held) return new GcPause(false);
            try { held = GC.TryStartNoGCRegion(Budget); }
            catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException) { held = false; }
            return new GcPause(held);
        }
    }

    public void Dispose()
    {
        if (!owner) return;
        lock (Gate)
        {
            held = false;
            // The region ends by itself when the budget is exceeded; EndNoGCRegion then throws, which is harmless here.
            try { if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion(); }
            catch (InvalidOperationException) { }
        }
    }
}
