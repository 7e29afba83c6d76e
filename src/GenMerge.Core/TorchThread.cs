using System.Collections.Concurrent;

namespace GenMerge.Core;

/// <summary>
/// One long-lived thread for the libtorch work of a process that runs it from many threads (the
/// in-process Durable host runs activities on thread-pool threads). libtorch's OpenMP keeps a thread
/// team per calling thread; once a second team exists and the teams outnumber the cores, OpenMP stops
/// spinning between parallel regions and every training step here got about 25 % slower
/// (bench/pipeline-overhead/README.md). Work posted here runs on this one thread, and the
/// continuations of async work started here come back to it (a single-threaded synchronization
/// context, like a UI thread): never block this thread on something that needs it.
/// </summary>
public static class TorchThread
{
    sealed class Context : SynchronizationContext
    {
        readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> queue = new();
        public readonly Thread Thread;

        public Context()
        {
            Thread = new Thread(Loop) { IsBackground = true, Name = "genmerge-torch" };
            Thread.Start();
        }

        void Loop()
        {
            SetSynchronizationContext(this);
            foreach (var (callback, state) in queue.GetConsumingEnumerable()) callback(state);
        }

        public override void Post(SendOrPostCallback d, object? state) => queue.Add((d, state));

        public override void Send(SendOrPostCallback d, object? state)
        {
            if (Thread.CurrentThread == Thread) { d(state); return; }
            using var done = new ManualResetEventSlim();
            Exception? error = null;
            Post(_ => { try { d(state); } catch (Exception e) { error = e; } finally { done.Set(); } }, null);
            done.Wait();
            if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        public override SynchronizationContext CreateCopy() => this;
    }

    static readonly Lazy<Context> context = new(() => new Context());

    /// <summary>True on the torch thread itself.</summary>
    public static bool IsCurrent => context.IsValueCreated && Thread.CurrentThread == context.Value.Thread;

    /// <summary>Runs async work on the torch thread; its awaits resume there.</summary>
    public static Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        if (IsCurrent) return work();
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        context.Value.Post(async _ =>
        {
            try { result.SetResult(await work()); }
            catch (Exception e) { result.SetException(e); }
        }, null);
        return result.Task;
    }

    /// <summary>Runs synchronous work on the torch thread and waits for it (inline when already there).</summary>
    public static T Run<T>(Func<T> work)
    {
        if (IsCurrent) return work();
        T value = default!;
        context.Value.Send(_ => value = work(), null);
        return value;
    }
}
