using static TorchSharp.torch;

namespace GenMerge.Core.Tests;

public class TorchThreadTests
{
    [Fact]
    public async Task Async_work_runs_and_resumes_on_the_one_torch_thread()
    {
        var threads = await TorchThread.RunAsync(async () =>
        {
            var seen = new List<Thread> { Thread.CurrentThread };
            await Task.Delay(10);        // resumes through the torch thread's context
            seen.Add(Thread.CurrentThread);
            await Task.Yield();
            seen.Add(Thread.CurrentThread);
            using var t = ones(64, 64).matmul(ones(64, 64));
            Assert.Equal(64f, t[0, 0].item<float>());
            return seen;
        });
        Assert.All(threads, t => Assert.Same(threads[0], t));
        Assert.NotSame(Thread.CurrentThread, threads[0]);
        Assert.Same(threads[0], await TorchThread.RunAsync(() => Task.FromResult(Thread.CurrentThread)));
        Assert.Same(threads[0], TorchThread.Run(() => Thread.CurrentThread));
    }

    [Fact]
    public async Task Nested_calls_run_inline_and_errors_reach_the_caller()
    {
        int value = await TorchThread.RunAsync(() => Task.FromResult(TorchThread.Run(() => TorchThread.IsCurrent ? 7 : -1)));
        Assert.Equal(7, value);
        Assert.False(TorchThread.IsCurrent);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => TorchThread.RunAsync<int>(async () =>
        {
            await Task.Yield();
            throw new InvalidOperationException("bad shard");
        }));
        Assert.Equal("bad shard", e.Message);
        Assert.Equal("sync bad", Assert.Throws<ArgumentException>(() => TorchThread.Run<int>(() => throw new ArgumentException("sync bad"))).Message);
        Assert.Equal(3, TorchThread.Run(() => 3)); // the thread survives a failed work item
    }
}
