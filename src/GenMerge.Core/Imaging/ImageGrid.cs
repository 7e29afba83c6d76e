using SkiaSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Imaging;

/// <summary>Sample grids and labelled strips as PNG (nearest-neighbour upscaling keeps small images crisp).</summary>
public static class ImageGrid
{
    private static readonly SKColor PadColour = new(40, 40, 40);

    /// <summary>Writes images [N, C, H, W] in [-1, 1] as a grid PNG (columns default to ceil(sqrt(N))); creates parent folders.</summary>
    public static void Save(Tensor images, string pngPath, int? columns = null, int scale = 1, int padding = 2) =>
        ImageIO.WriteAllBytes(pngPath, ToPng(images, columns, scale, padding));

    /// <summary>The grid <see cref="Save"/> writes, as PNG bytes.</summary>
    public static byte[] ToPng(Tensor images, int? columns = null, int scale = 1, int padding = 2)
    {
        var tiles = Tiles(images, nameof(images));
        int cols = columns ?? (int)Math.Ceiling(Math.Sqrt(tiles.Count));
        if (cols <= 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "columns must be positive");
        CheckLayout(scale, padding);
        int rowsCount = (tiles.Count + cols - 1) / cols;
        int tw = tiles[0].W * scale, th = tiles[0].H * scale;
        int width = cols * tw + (cols + 1) * padding, height = rowsCount * th + (rowsCount + 1) * padding;
        return Render(width, height, canvas =>
        {
            for (int i = 0; i < tiles.Count; i++)
                DrawTile(canvas, tiles[i], padding + (i % cols) * (tw + padding), padding + (i / cols) * (th + padding), scale);
        });
    }

    /// <summary>
    /// Writes one strip per row tensor [N_i, C, H, W] (rows may differ in length, not in image size), with an
    /// optional text label left of each row. Labels are left out when no font is installed.
    /// </summary>
    public static void SaveRows(IReadOnlyList<Tensor> rows, string path, IReadOnlyList<string>? rowLabels = null, int scale = 1, int padding = 2) =>
        ImageIO.WriteAllBytes(path, RowsToPng(rows, rowLabels, scale, padding));

    /// <summary>The strips <see cref="SaveRows"/> writes, as PNG bytes.</summary>
    public static byte[] RowsToPng(IReadOnlyList<Tensor> rows, IReadOnlyList<string>? rowLabels = null, int scale = 1, int padding = 2)
    {
        if (rows.Count == 0) throw new ArgumentException("rows: at least one row is needed", nameof(rows));
        if (rowLabels is not null && rowLabels.Count != rows.Count)
            throw new ArgumentException($"rowLabels: {rowLabels.Count} labels for {rows.Count} rows", nameof(rowLabels));
        CheckLayout(scale, padding);
        var tiles = rows.Select((r, i) => Tiles(r, $"rows[{i}]")).ToList();
        int tw = tiles[0][0].W * scale, th = tiles[0][0].H * scale;
        for (int i = 0; i < tiles.Count; i++)
            if (tiles[i][0].W * scale != tw || tiles[i][0].H * scale != th)
                throw new ArgumentException($"rows[{i}]: images are {tiles[i][0].H}x{tiles[i][0].W}, row 0 has {th / scale}x{tw / scale}", nameof(rows));

        using var font = LabelFont(Math.Clamp(th * 0.45f, 9f, 18f));
        float labelWidth = 0;
        if (rowLabels is not null && font is not null)
            labelWidth = rowLabels.Max(l => font.MeasureText(l)) + 2 * padding + 2;
        int left = (int)Math.Ceiling(labelWidth);
        int maxCols = tiles.Max(t => t.Count);
        int width = left + maxCols * tw + (maxCols + 1) * padding, height = rows.Count * th + (rows.Count + 1) * padding;
        return Render(width, height, canvas =>
        {
            using var paint = new SKPaint { Color = SKColors.White, IsAntialias = true };
            for (int r = 0; r < tiles.Count; r++)
            {
                int y = padding + r * (th + padding);
                if (left > 0 && font is not null)
                    canvas.DrawText(rowLabels![r], padding + 1, y + th / 2f + font.Size * 0.35f, SKTextAlign.Left, font, paint);
                for (int i = 0; i < tiles[r].Count; i++)
                    DrawTile(canvas, tiles[r][i], left + padding + i * (tw + padding), y, scale);
            }
        });
    }

    private sealed record Tile(int H, int W, byte[] Rgba);

    private static List<Tile> Tiles(Tensor images, string what)
    {
        if (images.dim() == 3) images = images.unsqueeze(0);
        if (images.dim() != 4 || images.shape[0] == 0)
            throw new ArgumentException($"{what}: expected images [N, C, H, W] with N > 0; found [{string.Join(", ", images.shape)}]");
        var list = new List<Tile>();
        for (long i = 0; i < images.shape[0]; i++)
        {
            using var one = images[i];
            var (_, h, w, rgba) = ImageIO.ToRgba(one);
            list.Add(new Tile(h, w, rgba));
        }
        return list;
    }

    private static void CheckLayout(int scale, int padding)
    {
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be >= 1");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "padding must be >= 0");
    }

    private static void DrawTile(SKCanvas canvas, Tile tile, int x, int y, int scale)
    {
        using var image = SKImage.FromPixelCopy(new SKImageInfo(tile.W, tile.H, SKColorType.Rgba8888, SKAlphaType.Opaque), tile.Rgba);
        canvas.DrawImage(image, SKRect.Create(x, y, tile.W * scale, tile.H * scale), new SKSamplingOptions(SKFilterMode.Nearest), null);
    }

    private static byte[] Render(int width, int height, Action<SKCanvas> draw)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(PadColour);
            draw(canvas);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A sans-serif font, or null where no typeface with glyphs is installed (minimal containers).</summary>
    private static SKFont? LabelFont(float size)
    {
        var typeface = SKFontManager.Default.MatchFamily("DejaVu Sans") ?? SKFontManager.Default.MatchFamily("sans-serif") ?? SKTypeface.Default;
        if (typeface is null || typeface.GlyphCount == 0) return null;
        return new SKFont(typeface, size) { Edging = SKFontEdging.Antialias };
    }
}
