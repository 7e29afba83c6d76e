using GenMerge.Functions.Http;
using GenMerge.Functions.Tests.Support;
using GenMerge.Pipeline.Requests;

namespace GenMerge.Functions.Tests.Http;

/// <summary>GET /api/merges on the Functions app: newest first, paged with a continuation token, bad queries named.</summary>
public sealed class ListMergesTests(FakeMergeHost durable) : IClassFixture<FakeMergeHost>, IDisposable
{
    readonly TempStore temp = new();

    public void Dispose() => temp.Dispose();

    async Task<HttpAnswer> ListAsync(string query) => await HttpCalls.ExecuteAsync(
        await new ListMergesFunction().Run(HttpCalls.Request("GET", "/api/merges", query: query), durable.Client, CancellationToken.None));

    [Fact]
    public async Task Merges_are_listed_newest_first_a_page_at_a_time()
    {
        var starter = new MergeStarter(temp.Store);
        var ids = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            string id = MergeStarter.NewRunId();
            await starter.StartAsync(durable.Client, id, MergeRequest.Parse(StartMergeTests.ValidRequest));
            await durable.WaitRunningAsync(id);
            ids.Add(id);
            await Task.Delay(20); // distinct creation times
        }

        var seen = new List<string>();
        string query = "?top=2";
        int pages = 0;
        while (true)
        {
            HttpAnswer page = await ListAsync(query);
            Assert.Equal(200, page.Status);
            var rows = page.Body.GetProperty("merges").EnumerateArray().ToList();
            Assert.InRange(rows.Count, 1, 2);
            Assert.All(rows, r => Assert.Equal($"http://{HttpCalls.Host}/api/merges/{r.GetProperty("id").GetString()}", r.GetProperty("statusQueryGetUri").GetString()));
            seen.AddRange(rows.Select(r => r.GetProperty("id").GetString()!));
            pages++;
            if (!page.Body.TryGetProperty("continuationToken", out var token)) break;
            query = "?top=2&continuationToken=" + Uri.EscapeDataString(token.GetString()!);
        }
        // Other tests' merges may share the hub: ours appear once each, newest first.
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.True(pages >= 3, $"{pages} pages of 2 for at least 5 merges");
        var ours = seen.Where(ids.Contains).ToList();
        Assert.Equal(Enumerable.Reverse(ids), ours);
        foreach (string id in ids) await durable.FinishAsync(id);
    }

    [Theory]
    [InlineData("?top=0", "top:")]
    [InlineData("?top=many", "top:")]
    [InlineData("?continuationToken=xyz", "continuationToken:")]
    public async Task A_bad_query_gets_a_400_naming_the_parameter(string query, string field)
    {
        HttpAnswer a = await ListAsync(query);
        Assert.Equal(400, a.Status);
        Assert.StartsWith(field, a.Error);
    }
}
