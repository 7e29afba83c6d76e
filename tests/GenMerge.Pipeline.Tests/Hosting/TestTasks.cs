using System.Collections.Concurrent;
using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Tests.Hosting;

/// <summary>
/// Trivial orchestrations for host tests. Executions are counted per test key in static maps,
/// which outlive any one host, so a test can see whether a new host re-ran an activity.
/// </summary>
internal static class TestTasks
{
    public static readonly ConcurrentDictionary<string, int> Executions = new();

    /// <summary>Keys whose Gate activity blocks until the test releases it (the "host dies mid-activity" case).</summary>
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Blocked = new();

    public static int Count(string key) => Executions.GetValueOrDefault(key);

    public sealed record FanOutInput(string Key, int Width);

    public static void Register(DurableTaskRegistry r)
    {
        r.AddActivityFunc<FanOutInput, int>("Square", (ctx, input) =>
        {
            Executions.AddOrUpdate($"{input.Key}/square/{input.Width}", 1, (_, n) => n + 1);
            return input.Width * input.Width;
        });

        r.AddActivityFunc<string, string>("Gate", async (ctx, key) =>
        {
            Executions.AddOrUpdate($"{key}/gate", 1, (_, n) => n + 1);
            if (Blocked.TryGetValue(key, out TaskCompletionSource? block))
                await block.Task;
            return "opened";
        });

        // The gate, then one square: work that is scheduled only once the gate has finished.
        r.AddOrchestratorFunc<FanOutInput, string>("GateThenSquare", async (ctx, input) =>
        {
            string gate = await ctx.CallActivityAsync<string>("Gate", input.Key);
            int square = await ctx.CallActivityAsync<int>("Square", input);
            return $"{square} {gate}";
        });

        // Fan out Width squares in parallel, then (optionally) pass the gate, then sum.
        r.AddOrchestratorFunc<FanOutInput, string>("FanOut", async (ctx, input) =>
        {
            int[] squares = await Task.WhenAll(Enumerable.Range(1, input.Width)
                .Select(i => ctx.CallActivityAsync<int>("Square", new FanOutInput(input.Key, i))));
            ctx.SetCustomStatus(new { stage = "gate", squares = squares.Length });
            string gate = await ctx.CallActivityAsync<string>("Gate", input.Key);
            return $"{squares.Sum()} {gate}";
        });
    }
}
