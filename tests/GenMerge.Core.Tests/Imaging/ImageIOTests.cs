using GenMerge.Core.Imaging;
using SkiaSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Imaging;

public sealed class ImageIOTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("genmerge-io-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Writes a W x H image: left half red, right half blue, optionally transparent, as PNG or JPEG.</summary>
    internal static string WriteTestImage(string path, int width, int height, SKEncodedImageFormat format, byte alpha = 255)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, x < width / 2 ? new SKColor(255, 0, 0, alpha) : new SKColor(0, 0, 255, alpha));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 95);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    [Fact]
    public void Wide_image_is_centre_cropped_and_resized()
    {
        // 64x32: the centre 32x32 square is columns 16..47, half red half blue.
        var path = WriteTestImage(Path.Combine(_dir, "wide.png"), 64, 32, SKEncodedImageFormat.Png);
        using var img = ImageIO.Load(path, 16);
        Assert.Equal(new long[] { 3, 16, 16 }, img.shape);
        Assert.Equal(1f, img[0, 8, 2].item<float>(), 2);   // red on the left
        Assert.Equal(-1f, img[2, 8, 2].item<float>(), 2);
        Assert.Equal(1f, img[2, 8, 13].item<float>(), 2);  // blue on the right
        Assert.Equal(-1f, img[0, 8, 13].item<float>(), 2);
    }

    [Fact]
    public void Transparent_pixels_become_white()
    {
        var path = WriteTestImage(Path.Combine(_dir, "clear.png"), 20, 20, SKEncodedImageFormat.Png, alpha: 0);
        using var img = ImageIO.Load(path, 8);
        Assert.Equal(1f, img.min().item<float>(), 2);
    }

    [Fact]
    public void Jpeg_loads()
    {
        var path = WriteTestImage(Path.Combine(_dir, "photo.jpg"), 40, 60, SKEncodedImageFormat.Jpeg);
        using var img = ImageIO.Load(path, 16);
        Assert.Equal(new long[] { 3, 16, 16 }, img.shape);
        Assert.True(img[0, 8, 2].item<float>() > 0.8f);
    }

    [Fact]
    public void Png_round_trip_keeps_8_bit_values()
    {
        using var img = (arange(3 * 4 * 4).reshape(3, 4, 4).to(ScalarType.Float32) / 47f) * 2 - 1;
        var path = Path.Combine(_dir, "rt.png");
        ImageIO.SavePng(img, path);
        using var back = ImageIO.Load(path, 4);
        Assert.True((back - img).abs().max().item<float>() <= 1f / 127.5f);
    }

    [Fact]
    public void Corrupt_and_missing_files_name_the_file()
    {
        var bad = Path.Combine(_dir, "bad.png");
        File.WriteAllText(bad, "not really a png");
        var ex = Assert.Throws<InvalidDataException>(() => ImageIO.Load(bad, 8));
        Assert.Contains(bad, ex.Message);
        Assert.Throws<FileNotFoundException>(() => ImageIO.Load(Path.Combine(_dir, "none.png"), 8));
    }
}
