using GenMerge.Pipeline.Storage;

namespace GenMerge.Pipeline.Tests.Storage;

/// <summary>What every <see cref="IArtifactStore"/> must do; run once per implementation.</summary>
public abstract class ArtifactStoreContractTests
{
    protected abstract IArtifactStore Store { get; }

    [Fact]
    public async Task Multi_megabyte_stream_round_trips_with_size_and_hash()
    {
        byte[] data = TestData.Bytes(10 << 20, seed: 1); // > one 8 MB block, so blob uploads stage several
        ArtifactInfo info = await Store.WriteAsync("runs/r1/merged.safetensors", async (s, ct) =>
        {
            // Uneven chunks, as a tensor writer would produce.
            for (int off = 0; off < data.Length; off += 700_001)
                await s.WriteAsync(data.AsMemory(off, Math.Min(700_001, data.Length - off)), ct);
        });

        Assert.Equal("runs/r1/merged.safetensors", info.Name);
        Assert.Equal(data.Length, info.Size);
        Assert.Equal(TestData.Sha256(data), info.Sha256);
        await using Stream read = await Store.OpenReadAsync(info.Name);
        Assert.Equal(data, await TestData.ReadAllAsync(read));
    }

    [Fact]
    public async Task Stream_overload_writes_from_current_position()
    {
        byte[] data = TestData.Bytes(3000, seed: 2);
        using var ms = new MemoryStream(data) { Position = 1000 };
        ArtifactInfo info = await Store.WriteAsync("runs/r2/shards/a/0000.safetensors", ms);
        Assert.Equal(2000, info.Size);
        Assert.Equal(TestData.Sha256(data[1000..]), info.Sha256);
        await using Stream read = await Store.OpenReadAsync(info.Name);
        Assert.Equal(data[1000..], await TestData.ReadAllAsync(read));
    }

    [Fact]
    public async Task Overwrite_replaces_whole_content()
    {
        await Store.WriteTextAsync("runs/r3/report.md", new string('x', 5000));
        await Store.WriteTextAsync("runs/r3/report.md", "short");
        Assert.Equal("short", await Store.ReadTextAsync("runs/r3/report.md"));
    }

    [Fact]
    public async Task Failing_writer_leaves_earlier_version()
    {
        await Store.WriteTextAsync("runs/r4/report.json", "{\"v\":1}");
        var boom = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.WriteAsync("runs/r4/report.json", async (s, ct) =>
        {
            await s.WriteAsync(TestData.Bytes(100_000, 3), ct);
            throw new InvalidOperationException("writer failed");
        }));
        Assert.Equal("writer failed", boom.Message);
        Assert.Equal("{\"v\":1}", await Store.ReadTextAsync("runs/r4/report.json"));
        Assert.Equal(["runs/r4/report.json"], await Store.ListAsync("runs/r4/"));
    }

    [Fact]
    public async Task Exists_delete_and_list_by_prefix()
    {
        string[] names = ["runs/r5/shards/b/0001.safetensors", "runs/r5/shards/a/0000.safetensors", "runs/r5/request.json", "runs/r55/request.json"];
        foreach (string n in names) await Store.WriteTextAsync(n, n);

        Assert.Equal(["runs/r5/request.json", "runs/r5/shards/a/0000.safetensors", "runs/r5/shards/b/0001.safetensors"], await Store.ListAsync("runs/r5/"));
        Assert.Equal(["runs/r5/request.json", "runs/r55/request.json"], (await Store.ListAsync("runs/r5")).Where(n => n.EndsWith("request.json")));
        Assert.Equal(["runs/r5/shards/a/0000.safetensors"], await Store.ListAsync("runs/r5/shards/a"));
        Assert.Empty(await Store.ListAsync("runs/nothing-here/"));

        Assert.True(await Store.ExistsAsync("runs/r5/request.json"));
        Assert.True(await Store.DeleteAsync("runs/r5/request.json"));
        Assert.False(await Store.ExistsAsync("runs/r5/request.json"));
        Assert.False(await Store.DeleteAsync("runs/r5/request.json"));
        Assert.DoesNotContain("runs/r5/request.json", await Store.ListAsync("runs/"));
    }

    [Fact]
    public async Task Missing_artifact_gets_not_found_naming_it()
    {
        var e = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => Store.OpenReadAsync("runs/r6/missing.json"));
        Assert.Equal("runs/r6/missing.json", e.ArtifactName);
        Assert.Contains("runs/r6/missing.json", e.Message);
    }

    [Theory]
    [InlineData("../escape.json", "'..'")]
    [InlineData("runs/../x", "'..'")]
    [InlineData("/abs/path", "starts with '/'")]
    [InlineData("runs//x", "empty segment")]
    [InlineData("runs\\x", "'\\'")]
    [InlineData("runs/x/", "ends with '/'")]
    [InlineData("runs/.hidden", "starts with '.'")]
    [InlineData("runs/a b", "U+0020")]
    [InlineData("", "empty")]
    public async Task Invalid_names_are_rejected_naming_the_name(string name, string reason)
    {
        var e1 = await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteTextAsync(name, "x"));
        Assert.Contains($"'{name}'", e1.Message);
        Assert.Contains(reason, e1.Message);
        var e2 = await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(name));
        Assert.Contains($"'{name}'", e2.Message);
        Assert.Throws<ArgumentException>(() => Store.Locate(name));
    }

    [Fact]
    public async Task Json_round_trip()
    {
        var value = new Sample("rooted", 3, [0.5, 1.5]);
        await Store.WriteJsonAsync("runs/r7/x.json", value);
        Sample back = await Store.ReadJsonAsync<Sample>("runs/r7/x.json");
        Assert.Equal(value.Stage, back.Stage);
        Assert.Equal(value.Step, back.Step);
        Assert.Equal(value.Losses, back.Losses);
        Assert.Contains("\"stage\": \"rooted\"", await Store.ReadTextAsync("runs/r7/x.json"));

        await Store.WriteTextAsync("runs/r7/bad.json", "{not json");
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => Store.ReadJsonAsync<Sample>("runs/r7/bad.json"));
        Assert.Contains("runs/r7/bad.json", e.Message);
    }

    [Fact]
    public async Task File_upload_and_download()
    {
        byte[] data = TestData.Bytes(300_000, seed: 8);
        string dir = Directory.CreateTempSubdirectory("gm-files-").FullName;
        try
        {
            string src = Path.Combine(dir, "in.bin"), dst = Path.Combine(dir, "sub", "out.bin");
            await File.WriteAllBytesAsync(src, data);
            ArtifactInfo info = await Store.UploadFileAsync("runs/r8/rooted/b/seg-0000.safetensors", src);
            Assert.Equal(TestData.Sha256(data), info.Sha256);
            await Store.DownloadToFileAsync(info.Name, dst);
            Assert.Equal(data, await File.ReadAllBytesAsync(dst));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(dst)!)); // no temp file left behind
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Manifest_is_complete_and_correct_after_concurrent_writes()
    {
        var run = new RunArtifacts(Store, "m" + Guid.NewGuid().ToString("N")[..8]);
        var expected = new Dictionary<string, byte[]>();
        for (int m = 0; m < 3; m++)
            for (int k = 0; k < 5; k++)
                expected[run.Shard($"model{m}", k)] = TestData.Bytes(1000 + 977 * (m * 5 + k), seed: 100 + m * 5 + k);
        expected[run.Merged] = TestData.Bytes(2 << 20, seed: 99);

        // As parallel activities would: all at once, each name written by one writer.
        await Task.WhenAll(expected.Select(kv => run.WriteAsync(kv.Key, async (s, ct) => await s.WriteAsync(kv.Value, ct))));
        // A retried activity overwrites its own output: the manifest must follow the last write.
        byte[] retried = TestData.Bytes(4321, seed: 7);
        await run.WriteAsync(run.Shard("model1", 2), new MemoryStream(retried));
        expected[run.Shard("model1", 2)] = retried;

        RunManifest manifest = await run.BuildManifestAsync();
        Assert.Equal(run.RunId, manifest.RunId);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), manifest.Artifacts.Select(a => a.Name));
        foreach (RunManifestEntry e in manifest.Artifacts)
        {
            Assert.Equal(expected[e.Name].Length, e.Size);
            Assert.Equal(TestData.Sha256(expected[e.Name]), e.Sha256);
        }

        // The stored manifest reads back the same, and a full re-hash agrees with the recorded hashes.
        RunManifest stored = await run.ReadManifestAsync();
        Assert.Equal(manifest.Artifacts, stored.Artifacts);
        RunManifest rehashed = await run.BuildManifestAsync(rehash: true);
        Assert.Equal(manifest.Artifacts.Select(a => (a.Name, a.Size, a.Sha256)), rehashed.Artifacts.Select(a => (a.Name, a.Size, a.Sha256)));
    }

    [Fact]
    public async Task Manifest_hashes_artifacts_written_around_it_and_drops_deleted_ones()
    {
        var run = new RunArtifacts(Store, "n" + Guid.NewGuid().ToString("N")[..8]);
        await run.WriteTextAsync(run.ReportMarkdown, "# report");
        await run.WriteTextAsync(run.Grid("class-0.png"), "png?");
        await Store.WriteTextAsync(run.ReportJson, "{}"); // bypasses the manifest entry
        await Store.DeleteAsync(run.Grid("class-0.png")); // entry left orphaned

        RunManifest manifest = await run.BuildManifestAsync();
        Assert.Equal([run.ReportJson, run.ReportMarkdown], manifest.Artifacts.Select(a => a.Name));
        Assert.Equal(TestData.Sha256("{}"u8.ToArray()), manifest.Find(run.ReportJson)!.Sha256);
        Assert.DoesNotContain(run.Manifest, await run.ListAsync());
    }

    public sealed record Sample(string Stage, int Step, double[] Losses);
}

public sealed class LocalFolderStoreContractTests : ArtifactStoreContractTests, IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("gm-store-").FullName;
    readonly LocalFolderStore store;

    public LocalFolderStoreContractTests() => store = new LocalFolderStore(root);

    protected override IArtifactStore Store => store;

    [Fact]
    public async Task Locate_is_the_file_path_and_no_temp_files_remain()
    {
        await store.WriteTextAsync("runs/L/report.md", "hi");
        string path = store.Locate("runs/L/report.md");
        Assert.Equal(Path.Combine(root, "runs", "L", "report.md"), path);
        Assert.Equal("hi", await File.ReadAllTextAsync(path));
        Assert.Equal([path], Directory.GetFiles(Path.Combine(root, "runs", "L")));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}

public sealed class BlobArtifactStoreContractTests : ArtifactStoreContractTests, IAsyncLifetime
{
    readonly BlobArtifactStore store;

    public BlobArtifactStoreContractTests()
    {
        Azurite.EnsureRunning();
        store = BlobArtifactStore.FromConnectionString(Azurite.ConnectionString, Azurite.UniqueName("gm-test-"));
    }

    protected override IArtifactStore Store => store;

    [Fact]
    public void Locate_is_the_blob_uri()
    {
        string uri = store.Locate("runs/B/merged.safetensors");
        Assert.StartsWith("http://127.0.0.1:10000/devstoreaccount1/gm-test-", uri);
        Assert.EndsWith("/runs/B/merged.safetensors", uri);
    }

    [Fact]
    public async Task Listing_before_the_container_exists_is_empty()
    {
        var fresh = BlobArtifactStore.FromConnectionString(Azurite.ConnectionString, Azurite.UniqueName("gm-none-"));
        Assert.Empty(await fresh.ListAsync());
        Assert.False(await fresh.ExistsAsync("runs/x/request.json"));
        await Assert.ThrowsAsync<ArtifactNotFoundException>(() => fresh.OpenReadAsync("runs/x/request.json"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await store.Container.DeleteIfExistsAsync();
}
