using GenMerge.Core.Data;
using GenMerge.Core.Tests.Imaging;
using SkiaSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Data;

public class ImageSourcesTests
{
    [Fact]
    public void Domain_spec_gives_a_procedural_source()
    {
        var source = ImageSources.Parse("domain:stripes", 16, seed: 4);
        var domain = Assert.IsType<ProceduralDomain>(source);
        Assert.Equal("stripes", domain.Domain);
        Assert.Equal(16, domain.Resolution);
        Assert.Equal(4, domain.Seed);
    }

    [Fact]
    public void Folder_path_gives_a_folder_source()
    {
        var dir = Directory.CreateTempSubdirectory("genmerge-spec-").FullName;
        try
        {
            ImageIOTests.WriteTestImage(Path.Combine(dir, "one.png"), 10, 10, SKEncodedImageFormat.Png);
            Assert.Equal(1, Assert.IsType<ImageFolderSource>(ImageSources.Parse(dir, 8, 0)).Count);
            Assert.Equal(1, Assert.IsType<ImageFolderSource>(ImageSources.Parse("folder:" + dir, 8, 0)).Count);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Bad_specs_are_explained()
    {
        Assert.Contains("valid domains", Assert.Throws<ArgumentException>(() => ImageSources.Parse("domain:nope", 16, 0)).Message);
        Assert.Contains("unknown scheme 'shards:'", Assert.Throws<ArgumentException>(() => ImageSources.Parse("shards:abc", 16, 0)).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => ImageSources.Parse(" ", 16, 0)).Message);
        Assert.Throws<DirectoryNotFoundException>(() => ImageSources.Parse("/no/such/folder/anywhere", 16, 0));
    }
}

public class TensorImageSourceTests
{
    [Fact]
    public void Samples_rows_in_seeded_epochs_and_reports_indices()
    {
        // Row i is filled with the value i / 10, so a batch reveals which rows it holds.
        var images = arange(5).to(ScalarType.Float32).div(10).reshape(5, 1, 1, 1).expand(5, 3, 4, 4).contiguous();
        using var a = new TensorImageSource(images, seed: 2, name: "shard-0");
        using var b = new TensorImageSource(images, seed: 2);
        images.Dispose(); // the source keeps its own copy

        var rows = new List<long>();
        for (int step = 0; step < 3; step++)
        {
            using var x = a.NextBatch(5, out var indices);
            using var y = b.NextBatch(5);
            Assert.True(x.equal(y).all().item<bool>());
            Assert.Equal(new long[] { 5, 3, 4, 4 }, x.shape);
            for (int i = 0; i < 5; i++) Assert.Equal(indices[i] / 10f, x[i, 0, 0, 0].item<float>(), 5);
            Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, indices.Order());
            rows.AddRange(indices);
        }
        Assert.Equal("shard-0", a.Name);
        Assert.Equal(4, a.Resolution);
        using var c = new TensorImageSource(zeros(5, 3, 4, 4), seed: 3);
        c.NextBatch(5, out var other).Dispose();
        Assert.NotEqual(rows.Take(5), other); // different seed, different order (5! orders; fixed seeds)
    }

    [Fact]
    public void Non_square_or_wrong_rank_tensors_are_rejected()
    {
        Assert.Contains("[2, 3, 4, 5]", Assert.Throws<ArgumentException>(() => new TensorImageSource(zeros(2, 3, 4, 5), 0)).Message);
        Assert.Throws<ArgumentException>(() => new TensorImageSource(zeros(3, 4, 4), 0));
    }

    [Fact]
    public void Survives_the_dispose_scope_it_was_made_in()
    {
        TensorImageSource source;
        using (NewDisposeScope()) source = new TensorImageSource(ones(2, 3, 4, 4), 0);
        using (source)
        using (var batch = source.NextBatch(2))
            Assert.Equal(1f, batch.mean().item<float>());
    }
}
