using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using GenMerge.Server.Tests.Support;

namespace GenMerge.Server.Tests;

/// <summary>`genmerge serve`'s HTTP contract, through a real HttpClient on a real port.</summary>
[Collection(ServeCollection.Name)]
public sealed class ServeApiTests(ServeFixture serve)
{
    [Fact]
    public async Task A_tiny_merge_posted_over_http_completes_and_its_report_and_grids_are_served()
    {
        var (status, body) = await serve.PostMergeAsync(TinySources.Request());
        Assert.Equal(HttpStatusCode.Accepted, status);
        string id = body.GetProperty("id").GetString()!;
        Assert.Equal(new Uri(serve.Base, $"/api/merges/{id}").ToString(), body.GetProperty("statusQueryGetUri").GetString());
        Assert.EndsWith($"/api/merges/{id}/terminate", body.GetProperty("terminatePostUri").GetString());

        JsonElement done = await serve.WaitFinishedAsync(id, TimeSpan.FromMinutes(6));
        Assert.True(done.GetProperty("runtimeStatus").GetString() == "Completed", done.ToString());
        Assert.EndsWith("report.json", done.GetProperty("results").GetProperty("reportJson").GetString());

        var (listed, list) = await serve.SendAsync(HttpMethod.Get, "/api/merges?top=500");
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Contains(list.GetProperty("merges").EnumerateArray(), m => m.GetProperty("id").GetString() == id && m.GetProperty("runtimeStatus").GetString() == "Completed");

        // The server sampled each training job's losses while the run went on (the dashboard's curves).
        var (_, losses) = await serve.SendAsync(HttpMethod.Get, $"/api/merges/{id}/losses");
        foreach (string job in new[] { "rooted/squares", "finetune" })
        {
            var points = losses.GetProperty("jobs").GetProperty(job).EnumerateArray().ToList();
            Assert.NotEmpty(points);
            Assert.Equal(3, points[^1].GetProperty("step").GetInt64());
            Assert.True(double.IsFinite(points[^1].GetProperty("lossG").GetDouble()));
        }

        string report = await serve.Http.GetStringAsync($"/api/merges/{id}/files/report.md");
        Assert.Contains("rings", report);
        var (_, files) = await serve.SendAsync(HttpMethod.Get, $"/api/merges/{id}/files?prefix=grids/");
        string grid = files.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).First(f => f.EndsWith(".png"));
        using var png = await serve.Http.GetAsync($"/api/merges/{id}/files/{grid}");
        Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
        byte[] bytes = await png.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
    }

    [Fact]
    public async Task Fifty_concurrent_posts_each_get_the_right_answer_and_every_accepted_run_is_listed_and_stops()
    {
        // Every third is invalid, in one of three ways; the 400 must name the field.
        string[] bad = { "\"merge_steps\":-5", "\"merge_steps\":3,\"bogus_field\":1", "MISSING" };
        string[] badField = { "merge_steps", "bogus_field", "models[0].uri" };
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            int kind = i % 3 == 0 ? i / 3 % 3 : -1;
            string json = kind switch
            {
                -1 => TinySources.Request(),
                2 => TinySources.Request(firstUri: "models/wolves.safetensors"),
                _ => TinySources.Request(bad[kind]),
            };
            var (status, body) = await serve.PostMergeAsync(json);
            return (kind, status, body);
        }));

        var accepted = new List<string>();
        foreach (var (kind, status, body) in answers)
        {
            if (kind < 0)
            {
                Assert.Equal(HttpStatusCode.Accepted, status);
                accepted.Add(body.GetProperty("id").GetString()!);
            }
            else
            {
                Assert.Equal(HttpStatusCode.BadRequest, status);
                Assert.Contains(badField[kind], body.GetProperty("error").GetString());
            }
        }
        Assert.Equal(33, accepted.Count);
        Assert.Equal(accepted.Count, accepted.Distinct().Count());

        // Paged, newest first: every accepted run appears exactly once across the pages.
        var listed = new List<(string Id, DateTimeOffset Created)>();
        string? token = null;
        do
        {
            var (status, page) = await serve.SendAsync(HttpMethod.Get, "/api/merges?top=7" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(page.GetProperty("merges").GetArrayLength() <= 7);
            listed.AddRange(page.GetProperty("merges").EnumerateArray().Select(m => (m.GetProperty("id").GetString()!, m.GetProperty("createdAt").GetDateTimeOffset())));
            token = page.TryGetProperty("continuationToken", out var t) ? t.GetString() : null;
        } while (token is not null);
        Assert.Equal(listed.Count, listed.Select(l => l.Id).Distinct().Count());
        Assert.All(accepted, id => Assert.Contains(listed, l => l.Id == id));
        Assert.Equal(listed.OrderByDescending(l => l.Created).Select(l => l.Created), listed.Select(l => l.Created));

        // Let the queue work a few seconds with 33 runs pending, then check the activity bound held.
        await Task.Delay(TimeSpan.FromSeconds(4));
        foreach (string id in accepted)
        {
            var (status, body) = await serve.SendAsync(HttpMethod.Post, $"/api/merges/{id}/terminate");
            Assert.True(status is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"{id}: {status} {body}");
        }
        foreach (string id in accepted)
        {
            string final = (await serve.WaitFinishedAsync(id, TimeSpan.FromMinutes(2))).GetProperty("runtimeStatus").GetString()!;
            Assert.True(final is "Terminated" or "Completed", $"{id} ended {final}");
        }
        var (peak, seen) = serve.Activities;
        Assert.True(seen > 0, "no pipeline activity ran");
        Assert.True(peak <= ServeFixture.MaxActivities, $"{peak} activities ran at once; --max-activities is {ServeFixture.MaxActivities}");
    }

    [Fact]
    public async Task Oversized_bodies_unknown_ids_and_bad_queries_get_their_status_codes()
    {
        var big = new StringContent("{\"models\":[" + new string(' ', (1 << 20) + 10) + "]}", Encoding.UTF8, "application/json");
        var (status, body) = await serve.SendAsync(HttpMethod.Post, "/api/merges", big, expectContinue: true);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("larger than", body.GetProperty("error").GetString());

        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/merges/nope"), (HttpMethod.Post, "/api/merges/nope/terminate"),
                     (HttpMethod.Delete, "/api/merges/nope"), (HttpMethod.Get, "/api/merges/nope/files/report.md") })
        {
            var (s, b) = await serve.SendAsync(method, path);
            Assert.True(s == HttpStatusCode.NotFound, $"{method} {path}: {s} {b}");
        }
        var (topStatus, topBody) = await serve.SendAsync(HttpMethod.Get, "/api/merges?top=0");
        Assert.Equal(HttpStatusCode.BadRequest, topStatus);
        Assert.Contains("top", topBody.GetProperty("error").GetString());
        var (tokStatus, tokBody) = await serve.SendAsync(HttpMethod.Get, "/api/merges?continuationToken=garbage!");
        Assert.Equal(HttpStatusCode.BadRequest, tokStatus);
        Assert.Contains("continuationToken", tokBody.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("..%2F..%2Fstore%2Fmodels%2Frings.safetensors")]
    [InlineData("%2E%2E/%2E%2E/models/rings.safetensors")]
    [InlineData("grids/..%2F..%2F..%2Fmodels%2Frings.safetensors")]
    [InlineData("..%5C..%5Cmodels%5Crings.safetensors")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("grids/../../../models/rings.safetensors")]
    [InlineData("%252E%252E/request.json")]
    public async Task A_path_that_leaves_the_runs_folder_is_refused(string path)
    {
        // A run folder with a file in it, so only the path decides (the store's models/ is what an escape would reach).
        const string id = "20260101-000000-probe0";
        await GenMerge.Pipeline.Storage.ArtifactStoreExtensions.WriteTextAsync(serve.Host.Store, $"runs/{id}/grids/probe.txt", "inside");
        using var response = await serve.Http.GetAsync($"/api/merges/{id}/files/{path}");
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        // Never the checkpoint's bytes (a safetensors file starts with its 8-byte header length, then '{').
        Assert.DoesNotContain("__metadata__", await response.Content.ReadAsStringAsync());
        // A file inside the run is served: the refusals above are the path's fault.
        Assert.Equal("inside", await serve.Http.GetStringAsync($"/api/merges/{id}/files/grids/probe.txt"));
    }

    [Fact]
    public async Task A_checkpoint_put_over_http_can_be_merged_and_a_bad_one_is_refused_naming_the_problem()
    {
        string file = Path.Combine(serve.Work, "upload.safetensors");
        TinySources.Write(0, file);
        var (status, body) = await serve.SendAsync(HttpMethod.Put, "/api/models/uploaded.safetensors", new ByteArrayContent(await File.ReadAllBytesAsync(file)));
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        Assert.Equal("models/uploaded.safetensors", body.GetProperty("uri").GetString());
        Assert.Equal(16, body.GetProperty("resolution").GetInt32());

        var (started, run) = await serve.PostMergeAsync(TinySources.Request(firstUri: "models/uploaded.safetensors"));
        Assert.True(started == HttpStatusCode.Accepted, run.ToString());
        await serve.SendAsync(HttpMethod.Post, $"/api/merges/{run.GetProperty("id").GetString()}/terminate");

        var (badStatus, bad) = await serve.SendAsync(HttpMethod.Put, "/api/models/broken.safetensors", new ByteArrayContent(Encoding.UTF8.GetBytes("not a checkpoint at all")));
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains("'broken.safetensors' is not a loadable checkpoint", bad.GetProperty("error").GetString());
        Assert.False(File.Exists(Path.Combine(serve.Work, "store", "models", "broken.safetensors")));

        var (nameStatus, name) = await serve.SendAsync(HttpMethod.Put, "/api/models/evil.exe", new ByteArrayContent(new byte[10]));
        Assert.Equal(HttpStatusCode.BadRequest, nameStatus);
        Assert.Contains("name", name.GetProperty("error").GetString());

        // Expect: 100-continue (as curl sends for large bodies): the 413 comes before the body is sent.
        var (bigStatus, big) = await serve.SendAsync(HttpMethod.Put, "/api/models/huge.safetensors", new ByteArrayContent(new byte[ServeFixture.MaxModelBytes + 1]), expectContinue: true);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bigStatus);
        Assert.Contains("limit", big.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_request_file_dropped_in_the_inbox_starts_a_merge_and_a_bad_one_gets_its_error_file()
    {
        string inbox = Path.Combine(serve.Work, "inbox");
        Directory.CreateDirectory(inbox);
        await File.WriteAllTextAsync(Path.Combine(inbox, "bad.json"), TinySources.Request("\"merge_steps\":-5"));
        await File.WriteAllTextAsync(Path.Combine(inbox, "good.json"), TinySources.Request());

        string started = await WaitForFileAsync(Path.Combine(inbox, "good.json.started.json"));
        string id = JsonDocument.Parse(started).RootElement.GetProperty("id").GetString()!;
        Assert.StartsWith("blob-good-", id);
        var (status, _) = await serve.SendAsync(HttpMethod.Get, $"/api/merges/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        await serve.SendAsync(HttpMethod.Post, $"/api/merges/{id}/terminate");

        string error = await WaitForFileAsync(Path.Combine(inbox, "bad.json.error.json"));
        Assert.Contains("merge_steps", JsonDocument.Parse(error).RootElement.GetProperty("error").GetString());
        Assert.False(File.Exists(Path.Combine(inbox, "bad.json.started.json")));
    }

    static async Task<string> WaitForFileAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path)) return await File.ReadAllTextAsync(path);
            await Task.Delay(100);
        }
        throw new TimeoutException($"{path} did not appear within 30 s");
    }
}
