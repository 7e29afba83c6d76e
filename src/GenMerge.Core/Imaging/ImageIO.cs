using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Imaging;

/// <summary>Image files to and from tensors in [-1, 1] (SkiaSharp).</summary>
public static class ImageIO
{
    /// <summary>
    /// Decodes an image file (PNG, JPEG, WebP, BMP, GIF), centre-crops its shorter side to a square, resizes to
    /// <paramref name="resolution"/> and composites any alpha on white. Returns RGB [3, R, R] in [-1, 1].
    /// Throws <see cref="FileNotFoundException"/> or <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public static Tensor Load(string path, int resolution) =>
        tensor(LoadPixels(path, resolution), new long[] { 3, resolution, resolution });

    /// <summary>Same as <see cref="Load"/>, as a CHW float array (no tensor allocated).</summary>
    public static float[] LoadPixels(string path, int resolution)
    {
        if (resolution < 1) throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "resolution must be positive");
        if (!File.Exists(path)) throw new FileNotFoundException($"image file '{path}' does not exist", path);
        using var bitmap = DecodeFile(path);
        return CropResizeOnWhite(bitmap, resolution);
    }

    /// <summary>PNG bytes of one image [C, H, W] (C = 1 or 3; [1, C, H, W] also accepted) with values in [-1, 1].</summary>
    public static byte[] ToPng(Tensor img)
    {
        var (_, h, w, rgba) = ToRgba(img);
        using var image = SKImage.FromPixelCopy(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque), rgba);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Writes <see cref="ToPng"/> to a file, creating its folder.</summary>
    public static void SavePng(Tensor img, string path) => WriteAllBytes(path, ToPng(img));

    internal static void WriteAllBytes(string path, byte[] bytes)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Converts [C, H, W] (or [1, C, H, W]) in [-1, 1] to RGBA8888 bytes.</summary>
    internal static (int C, int H, int W, byte[] Rgba) ToRgba(Tensor img)
    {
        if (img.dim() == 4 && img.shape[0] == 1) img = img[0];
        if (img.dim() != 3 || img.shape[0] is not (1 or 3))
            throw new ArgumentException($"image tensor must be [C, H, W] with C = 1 or 3; found [{string.Join(", ", img.shape)}]", nameof(img));
        int c = (int)img.shape[0], h = (int)img.shape[1], w = (int)img.shape[2];
        float[] values;
        using (NewDisposeScope())
            values = img.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
        var rgba = new byte[h * w * 4];
        int plane = h * w;
        for (int i = 0; i < plane; i++)
        {
            for (int k = 0; k < 3; k++)
                rgba[i * 4 + k] = ToByte(values[(c == 1 ? 0 : k) * plane + i]);
            rgba[i * 4 + 3] = 255;
        }
        return (c, h, w, rgba);
    }

    private static byte ToByte(float v) =>
        float.IsNaN(v) ? (byte)0 : (byte)MathF.Round((Math.Clamp(v, -1f, 1f) + 1f) * 127.5f);

    private static SKBitmap DecodeFile(string path)
    {
        SKBitmap? bitmap;
        try { bitmap = SKBitmap.Decode(path); }
        catch (Exception ex) { throw new InvalidDataException($"{path}: cannot decode image ({ex.Message})", ex); }
        if (bitmap is null || bitmap.Width <= 0 || bitmap.Height <= 0)
        {
            bitmap?.Dispose();
            throw new InvalidDataException($"{path}: not a decodable image (unsupported format or corrupt data)");
        }
        return bitmap;
    }

    private static float[] CropResizeOnWhite(SKBitmap bitmap, int resolution)
    {
        int side = Math.Min(bitmap.Width, bitmap.Height);
        var source = SKRect.Create((bitmap.Width - side) / 2f, (bitmap.Height - side) / 2f, side, side);
        using var target = new SKBitmap(new SKImageInfo(resolution, resolution, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(target))
        using (var image = SKImage.FromBitmap(bitmap))
        {
            canvas.Clear(SKColors.White);
            // Mipmapped linear sampling keeps large downscales from aliasing.
            var sampling = new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
            canvas.DrawImage(image, source, SKRect.Create(0, 0, resolution, resolution), sampling, null);
        }
        var pixels = target.GetPixelSpan();
        int plane = resolution * resolution;
        var result = new float[3 * plane];
        for (int i = 0; i < plane; i++)
            for (int k = 0; k < 3; k++)
                result[k * plane + i] = pixels[i * 4 + k] / 127.5f - 1f;
        return result;
    }
}
