using GenMerge.Core.Data;
using GenMerge.Core.Imaging;
using SkiaSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Imaging;

public sealed class ImageGridTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("genmerge-grid-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Grid_png_has_the_expected_size_and_pixels()
    {
        using var images = ProceduralDomain.Create("squares", 16, seed: 1).NextBatch(5);
        var path = Path.Combine(_dir, "deep", "er", "grid.png");
        ImageGrid.Save(images, path, columns: 3, scale: 2, padding: 1);

        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        Assert.Equal(3 * 32 + 4 * 1, bitmap.Width);
        Assert.Equal(2 * 32 + 3 * 1, bitmap.Height);
        // Pixel (x=1+2*3, y=1+2*5) shows image 0's pixel (row 5, col 3), red channel.
        float red = images[0, 0, 5, 3].item<float>();
        byte expected = (byte)MathF.Round((red + 1) * 127.5f);
        Assert.Equal(expected, bitmap.GetPixel(1 + 2 * 3, 1 + 2 * 5).Red);
        Assert.Equal(expected, bitmap.GetPixel(1 + 2 * 3 + 1, 1 + 2 * 5 + 1).Red); // nearest-neighbour scaling
    }

    [Fact]
    public void Default_columns_make_a_square_ish_grid()
    {
        using var images = ProceduralDomain.Create("rings", 8, seed: 1).NextBatch(10);
        using var bitmap = SKBitmap.Decode(ImageGrid.ToPng(images, padding: 0));
        Assert.Equal(4 * 8, bitmap.Width);
        Assert.Equal(3 * 8, bitmap.Height);
    }

    [Fact]
    public void Rows_with_labels_are_wider_than_without_and_decode()
    {
        var rows = ProceduralDomain.Names.Select(n => ProceduralDomain.Create(n, 16, seed: 2).NextBatch(4)).ToList();
        var plainPath = Path.Combine(_dir, "rows.png");
        ImageGrid.SaveRows(rows, plainPath, scale: 2);
        using var plain = SKBitmap.Decode(plainPath);
        Assert.Equal(4 * 32 + 5 * 2, plain.Width);
        Assert.Equal(rows.Count * 32 + (rows.Count + 1) * 2, plain.Height);

        using var labelled = SKBitmap.Decode(ImageGrid.RowsToPng(rows, ProceduralDomain.Names, scale: 2));
        Assert.Equal(plain.Height, labelled.Height);
        Assert.True(labelled.Width > plain.Width, "labels take room on the left");
        // Some label pixels are drawn in white on the dark padding.
        bool anyText = false;
        for (int y = 0; y < labelled.Height && !anyText; y++)
            for (int x = 0; x < labelled.Width - plain.Width; x++)
                if (labelled.GetPixel(x, y).Red > 200) { anyText = true; break; }
        Assert.True(anyText);
        foreach (var r in rows) r.Dispose();
    }

    [Fact]
    public void Bad_inputs_are_rejected_with_their_shape()
    {
        using var flat = zeros(4, 16);
        var ex = Assert.Throws<ArgumentException>(() => ImageGrid.ToPng(flat));
        Assert.Contains("[4, 16]", ex.Message);
        using var a = zeros(2, 3, 8, 8);
        using var b = zeros(2, 3, 16, 16);
        Assert.Throws<ArgumentException>(() => ImageGrid.RowsToPng(new[] { a, b }));
        Assert.Throws<ArgumentException>(() => ImageGrid.RowsToPng(new[] { a }, new[] { "x", "y" }));
    }
}
