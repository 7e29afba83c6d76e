namespace GenMerge.Core.Data;

/// <summary>An RGB colour with channels in [0, 1].</summary>
public readonly record struct Rgb(float R, float G, float B)
{
    public static Rgb FromHsv(float h, float s, float v)
    {
        h = (h % 1f + 1f) % 1f * 6f;
        int sector = (int)h;
        float f = h - sector, p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        return sector switch
        {
            0 => new Rgb(v, t, p),
            1 => new Rgb(q, v, p),
            2 => new Rgb(p, v, t),
            3 => new Rgb(p, q, v),
            4 => new Rgb(t, p, v),
            _ => new Rgb(v, p, q),
        };
    }
}

/// <summary>
/// One image being painted, CHW planes in [0, 1] inside a shared buffer. Shapes are signed distance
/// functions over [-1, 1]^2 (y down); edge coverage comes from the distance in pixel units, which
/// antialiases analytically, so 16 px images stay clean without supersampling.
/// </summary>
public sealed class ShapeCanvas
{
    private readonly float[] _data;
    private readonly int _offset;

    public ShapeCanvas(float[] data, int offset, int resolution)
    {
        _data = data; _offset = offset; Resolution = resolution;
        PixelSize = 2f / resolution;
    }

    public int Resolution { get; }
    /// <summary>Width of one pixel in shape coordinates.</summary>
    public float PixelSize { get; }

    public void Fill(Rgb colour)
    {
        int plane = Resolution * Resolution;
        _data.AsSpan(_offset, plane).Fill(colour.R);
        _data.AsSpan(_offset + plane, plane).Fill(colour.G);
        _data.AsSpan(_offset + 2 * plane, plane).Fill(colour.B);
    }

    /// <summary>
    /// Blends <paramref name="colour"/> where <paramref name="sdf"/>(x, y) &lt; 0, with antialiased edges. Only
    /// pixels within <paramref name="bounds"/> (shape coordinates: xMin, yMin, xMax, yMax; null = whole image)
    /// are evaluated, which keeps small shapes cheap.
    /// </summary>
    public void Paint(Func<float, float, float> sdf, Rgb colour, (float X0, float Y0, float X1, float Y1)? bounds = null)
    {
        int r = Resolution, plane = r * r;
        var (x0, y0, x1, y1) = bounds is { } b ? (ToPixel(b.X0), ToPixel(b.Y0), ToPixel(b.X1) + 1, ToPixel(b.Y1) + 1) : (0, 0, r, r);
        for (int iy = Math.Max(y0 - 1, 0); iy < Math.Min(y1 + 1, r); iy++)
        {
            float y = (iy + 0.5f) * PixelSize - 1f;
            for (int ix = Math.Max(x0 - 1, 0); ix < Math.Min(x1 + 1, r); ix++)
            {
                float x = (ix + 0.5f) * PixelSize - 1f;
                float a = Math.Clamp(0.5f - sdf(x, y) / PixelSize, 0f, 1f);
                if (a <= 0f) continue;
                int i = _offset + iy * r + ix;
                _data[i] += (colour.R - _data[i]) * a;
                _data[i + plane] += (colour.G - _data[i + plane]) * a;
                _data[i + 2 * plane] += (colour.B - _data[i + 2 * plane]) * a;
            }
        }
    }

    private int ToPixel(float coordinate) => (int)Math.Clamp(MathF.Floor((coordinate + 1f) / PixelSize), -1f, Resolution + 1f);
}
