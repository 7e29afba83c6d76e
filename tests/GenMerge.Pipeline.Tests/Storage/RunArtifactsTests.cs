using GenMerge.Pipeline.Storage;

namespace GenMerge.Pipeline.Tests.Storage;

public sealed class RunArtifactsTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("gm-run-").FullName;
    readonly RunArtifacts run;

    public RunArtifactsTests() => run = new RunArtifacts(new LocalFolderStore(root), "run42");

    [Fact]
    public void Names_are_deterministic_and_under_the_run()
    {
        Assert.Equal("runs/run42/request.json", run.Request);
        Assert.Equal("runs/run42/shards/ffhq/0007.safetensors", run.Shard("ffhq", 7));
        Assert.Equal("runs/run42/rooted/cats/seg-012.safetensors", run.JobSegment("rooted/cats", 12));
        Assert.Equal("runs/run42/finetune/seg-003.safetensors", run.JobSegment("finetune", 3));
        Assert.Equal("runs/run42/merged-init.safetensors", run.MergedInit);
        Assert.Equal("runs/run42/status.json", run.Status);
        Assert.Equal("runs/run42/eval/cats/features.safetensors", run.Features("cats"));
        Assert.Equal("runs/run42/merged.safetensors", run.Merged);
        Assert.Equal("runs/run42/report.json", run.ReportJson);
        Assert.Equal("runs/run42/report.md", run.ReportMarkdown);
        Assert.Equal("runs/run42/grids/strips/0-1.png", run.Grid("strips/0-1.png"));
        Assert.Equal("runs/run42/manifest.json", run.Manifest);
        Assert.Equal(run.ManifestEntry(run.Merged), new RunArtifacts(run.Store, "run42").ManifestEntry(run.Merged));
        Assert.Matches("^runs/run42/manifest/[0-9a-f]{64}\\.json$", run.ManifestEntry(run.Merged));
    }

    [Fact]
    public void Bad_parts_are_rejected_with_what_they_are()
    {
        Assert.Contains("run id '../x'", Assert.Throws<ArgumentException>(() => new RunArtifacts(run.Store, "../x")).Message);
        Assert.Contains("model 'a/b'", Assert.Throws<ArgumentException>(() => run.Shard("a/b", 0)).Message);
        Assert.Contains("shard index", Assert.Throws<ArgumentOutOfRangeException>(() => run.Shard("a", -1)).Message);
        Assert.Contains("'runs/run42/grids/../x'", Assert.Throws<ArgumentException>(() => run.Grid("../x")).Message);
    }

    [Fact]
    public async Task Writes_outside_the_run_are_refused()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => run.WriteTextAsync("runs/other/report.md", "x"));
        Assert.Contains("not inside run 'run42'", e.Message);
    }

    [Fact]
    public async Task Delete_removes_the_manifest_entry_too()
    {
        await run.WriteTextAsync(run.ReportMarkdown, "x");
        Assert.True(await run.Store.ExistsAsync(run.ManifestEntry(run.ReportMarkdown)));
        Assert.True(await run.DeleteAsync(run.ReportMarkdown));
        Assert.False(await run.Store.ExistsAsync(run.ManifestEntry(run.ReportMarkdown)));
        Assert.Empty((await run.BuildManifestAsync()).Artifacts);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
