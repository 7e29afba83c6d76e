using System.Diagnostics;
using GenMerge.Core.Data;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Data;

public class ProceduralDomainTests
{
    [Theory]
    [InlineData("rings", 16)]
    [InlineData("squares", 32)]
    [InlineData("stripes", 16)]
    [InlineData("blobs", 32)]
    [InlineData("triangles", 16)]
    public void Batches_have_the_right_shape_and_range(string name, int resolution)
    {
        var source = ProceduralDomain.Create(name, resolution, seed: 1);
        using var batch = source.NextBatch(8);
        Assert.Equal(new long[] { 8, 3, resolution, resolution }, batch.shape);
        Assert.Equal(ScalarType.Float32, batch.dtype);
        Assert.True(batch.min().item<float>() >= -1f && batch.max().item<float>() <= 1f);
        Assert.True(batch.std().item<float>() > 0.1f, "images should not be flat");
        Assert.Equal("domain:" + name, source.Name);
    }

    [Fact]
    public void Same_seed_gives_the_same_images_however_batches_are_split()
    {
        var a = ProceduralDomain.Create("blobs", 16, seed: 9);
        var b = ProceduralDomain.Create("blobs", 16, seed: 9);
        using var whole = a.NextBatch(10);
        using var first = b.NextBatch(4);
        using var rest = b.NextBatch(6);
        Assert.True(whole.equal(cat(new[] { first, rest })).all().item<bool>());
        using var random = ProceduralDomain.Create("blobs", 16, seed: 9).Render(4, 6);
        Assert.True(rest.equal(random).all().item<bool>());
    }

    [Fact]
    public void Different_seeds_and_successive_batches_differ()
    {
        using var a = ProceduralDomain.Create("squares", 16, seed: 1).NextBatch(4);
        using var b = ProceduralDomain.Create("squares", 16, seed: 2).NextBatch(4);
        Assert.True((a - b).abs().mean().item<float>() > 0.05f);
        var s = ProceduralDomain.Create("squares", 16, seed: 1);
        using var first = s.NextBatch(4);
        using var second = s.NextBatch(4);
        Assert.True((first - second).abs().mean().item<float>() > 0.05f);
    }

    [Fact]
    public void Unknown_name_lists_the_valid_names()
    {
        var ex = Assert.Throws<ArgumentException>(() => ProceduralDomain.Create("circles", 16, 0));
        Assert.Contains("'circles'", ex.Message);
        foreach (var n in new[] { "rings", "squares", "stripes", "blobs" }) Assert.Contains(n, ex.Message);
        Assert.Contains("rings", ProceduralDomain.Names);
    }

    [Fact]
    public void Thousand_images_at_32px_render_quickly()
    {
        var source = ProceduralDomain.Create("blobs", 32, seed: 3);
        source.NextBatch(16).Dispose(); // warm-up (JIT)
        var sw = Stopwatch.StartNew();
        using var batch = source.NextBatch(1000);
        sw.Stop();
        Assert.True(sw.Elapsed.TotalSeconds < 3, $"1000 blobs at 32 px took {sw.Elapsed.TotalMilliseconds:F0} ms");
    }

    /// <summary>
    /// Simple statistics per domain, averaged over 160 images: fraction of near-white pixels, fraction of edge
    /// pixels, mean saturation, and how strongly edge directions agree modulo 90 degrees (straight, square
    /// edges) and modulo 180 degrees (parallel edges).
    /// </summary>
    private static float[] Stats(string name)
    {
        using var scope = NewDisposeScope();
        var x = (ProceduralDomain.Create(name, 32, seed: 4).NextBatch(160) + 1) / 2;     // [N,3,R,R] in [0,1]
        var white = (x.amin(new long[] { 1 }) > 0.85f).to(ScalarType.Float32).mean();
        var gray = x.mean(new long[] { 1 });
        var gx = gray[.., 1..^1, 2..] - gray[.., 1..^1, ..^2];
        var gy = gray[.., 2.., 1..^1] - gray[.., ..^2, 1..^1];
        var magnitude = (gx * gx + gy * gy).sqrt();
        var edges = (magnitude > 0.2f).to(ScalarType.Float32).mean();
        var saturation = (x.amax(new long[] { 1 }) - x.amin(new long[] { 1 })).mean();
        var angle = atan2(gy, gx);
        Tensor Coherence(int k)
        {
            var re = (magnitude * cos(k * angle)).sum(new long[] { 1, 2 });
            var im = (magnitude * sin(k * angle)).sum(new long[] { 1, 2 });
            return ((re * re + im * im).sqrt() / (magnitude.sum(new long[] { 1, 2 }) + 1e-6f)).mean();
        }
        return new[] { white, edges, saturation, Coherence(4), Coherence(2), Coherence(3) }.Select(t => t.item<float>()).ToArray();
    }

    [Fact]
    public void Domains_have_clearly_different_statistics()
    {
        var names = new[] { "rings", "squares", "stripes", "blobs", "triangles" };
        var stats = names.ToDictionary(n => n, Stats);
        float[] Others(string self, int k) => names.Where(n => n != self && n != "stripes").Select(n => stats[n][k]).ToArray();
        // Stripes fill the frame (no white) with parallel edges.
        Assert.True(stats["stripes"][0] < 0.05f && stats["stripes"][4] > 0.8f, $"stripes {string.Join(",", stats["stripes"])}");
        foreach (var n in names.Where(n => n != "stripes")) Assert.True(stats[n][0] > 0.2f, $"{n} white {stats[n][0]}");
        // Thin rings: far more edge pixels than filled shapes.
        Assert.True(stats["rings"][1] > 2f * Others("rings", 1).Max(), $"rings edges {stats["rings"][1]} vs {string.Join(",", Others("rings", 1))}");
        // Squares: edge directions agree modulo 90 degrees; triangles: outward normals agree modulo 120 degrees.
        Assert.True(stats["squares"][3] > 2.5f * Others("squares", 3).Max(), $"squares c4 {stats["squares"][3]} vs {string.Join(",", Others("squares", 3))}");
        Assert.True(stats["triangles"][5] > 2.5f * Others("triangles", 5).Max(), $"triangles c3 {stats["triangles"][5]} vs {string.Join(",", Others("triangles", 5))}");
    }
}
