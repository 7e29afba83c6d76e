namespace GenMerge.Core.Data;

/// <summary>
/// The painters behind <see cref="ProceduralDomain"/>: each draws one random image of its domain.
/// Domains differ in structure (thin closed curves, straight-edged solids, full-frame periodic bands,
/// smooth organic solids, pointed solids), not only in colour, so a feature classifier can tell them apart.
/// </summary>
internal static class ProceduralPainters
{
    public static readonly IReadOnlyDictionary<string, Action<ShapeCanvas, SplitMix64>> All =
        new Dictionary<string, Action<ShapeCanvas, SplitMix64>>
        {
            ["rings"] = Rings,
            ["squares"] = Squares,
            ["stripes"] = Stripes,
            ["blobs"] = Blobs,
            ["triangles"] = Triangles,
        };

    private static Rgb Vivid(ref SplitMix64 rng) =>
        Rgb.FromHsv(rng.Uniform(0f, 1f), rng.Uniform(0.55f, 1f), rng.Uniform(0.45f, 0.95f));

    private static Rgb WhiteIsh(ref SplitMix64 rng) =>
        new(rng.Uniform(0.9f, 1f), rng.Uniform(0.9f, 1f), rng.Uniform(0.9f, 1f));

    /// <summary>1-3 groups of concentric thin rings.</summary>
    private static void Rings(ShapeCanvas c, SplitMix64 rng)
    {
        c.Fill(WhiteIsh(ref rng));
        int groups = rng.Next(1, 4);
        for (int g = 0; g < groups; g++)
        {
            float cx = rng.Uniform(-0.5f, 0.5f), cy = rng.Uniform(-0.5f, 0.5f);
            float radius = rng.Uniform(0.3f, 0.75f), width = rng.Uniform(0.09f, 0.17f);
            int count = rng.Next(1, 3);
            var colour = Vivid(ref rng);
            for (int k = 0; k < count; k++)
            {
                float rk = radius * (1f - 0.5f * k);
                float reach = rk + width / 2;
                c.Paint((x, y) => MathF.Abs(MathF.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) - rk) - width / 2, colour,
                        (cx - reach, cy - reach, cx + reach, cy + reach));
            }
        }
    }

    /// <summary>1-3 filled, rotated squares.</summary>
    private static void Squares(ShapeCanvas c, SplitMix64 rng)
    {
        c.Fill(WhiteIsh(ref rng));
        int count = rng.Next(1, 4);
        for (int k = 0; k < count; k++)
        {
            float cx = rng.Uniform(-0.5f, 0.5f), cy = rng.Uniform(-0.5f, 0.5f);
            float half = rng.Uniform(0.22f, 0.5f), angle = rng.Uniform(0f, MathF.PI / 2);
            float cos = MathF.Cos(angle), sin = MathF.Sin(angle);
            var colour = Vivid(ref rng);
            c.Paint((x, y) =>
            {
                float u = MathF.Abs(cos * (x - cx) + sin * (y - cy)) - half;
                float v = MathF.Abs(-sin * (x - cx) + cos * (y - cy)) - half;
                float outside = MathF.Sqrt(MathF.Max(u, 0) * MathF.Max(u, 0) + MathF.Max(v, 0) * MathF.Max(v, 0));
                return outside + MathF.Min(MathF.Max(u, v), 0f);
            }, colour, (cx - half * 1.415f, cy - half * 1.415f, cx + half * 1.415f, cy + half * 1.415f));
        }
    }

    /// <summary>Full-frame parallel bands of two colours at a random angle and period.</summary>
    private static void Stripes(ShapeCanvas c, SplitMix64 rng)
    {
        var background = Vivid(ref rng);
        var band = Vivid(ref rng);
        // Keep the two colours apart so the bands never vanish.
        if (MathF.Abs(background.R - band.R) + MathF.Abs(background.G - band.G) + MathF.Abs(background.B - band.B) < 0.6f)
            band = new Rgb(1 - background.R, 1 - background.G, 1 - background.B);
        c.Fill(background);
        float angle = rng.Uniform(0f, MathF.PI);
        float period = 2f / rng.Next(2, 6);
        float duty = rng.Uniform(0.35f, 0.65f), phase = rng.Uniform(0f, 1f);
        float dx = MathF.Cos(angle), dy = MathF.Sin(angle);
        c.Paint((x, y) =>
        {
            float t = (x * dx + y * dy) / period + phase;
            float frac = t - MathF.Floor(t);
            return (MathF.Abs(frac - 0.5f) - duty / 2) * period;
        }, band);
    }

    /// <summary>1-2 smooth organic shapes: iso-contours of a sum of Gaussian bumps.</summary>
    private static void Blobs(ShapeCanvas c, SplitMix64 rng)
    {
        c.Fill(WhiteIsh(ref rng));
        int count = rng.Next(1, 3);
        for (int k = 0; k < count; k++)
        {
            float cx = rng.Uniform(-0.4f, 0.4f), cy = rng.Uniform(-0.4f, 0.4f);
            int bumps = rng.Next(3, 6);
            const float threshold = 0.5f;
            var bx = new float[bumps]; var by = new float[bumps]; var inv = new float[bumps];
            var box = (X0: float.MaxValue, Y0: float.MaxValue, X1: float.MinValue, Y1: float.MinValue);
            for (int b = 0; b < bumps; b++)
            {
                bx[b] = cx + rng.Uniform(-0.35f, 0.35f);
                by[b] = cy + rng.Uniform(-0.35f, 0.35f);
                float sigma = rng.Uniform(0.14f, 0.28f);
                inv[b] = 1f / (sigma * sigma);
                // Outside this reach each bump adds under threshold / bumps, so the field cannot reach the threshold.
                float reach = sigma * MathF.Sqrt(2f * MathF.Log(bumps / threshold));
                box = (MathF.Min(box.X0, bx[b] - reach), MathF.Min(box.Y0, by[b] - reach), MathF.Max(box.X1, bx[b] + reach), MathF.Max(box.Y1, by[b] + reach));
            }
            var colour = Vivid(ref rng);
            c.Paint((x, y) =>
            {
                float f = 0, gx = 0, gy = 0;
                for (int b = 0; b < bx.Length; b++)
                {
                    float ex = x - bx[b], ey = y - by[b];
                    float e = MathF.Exp(-0.5f * (ex * ex + ey * ey) * inv[b]);
                    f += e; gx -= e * ex * inv[b]; gy -= e * ey * inv[b];
                }
                // First-order distance to the iso-contour f = threshold.
                return (threshold - f) / MathF.Max(MathF.Sqrt(gx * gx + gy * gy), 1e-4f);
            }, colour, box);
        }
    }

    /// <summary>1-3 filled, rotated triangles of varied proportions.</summary>
    private static void Triangles(ShapeCanvas c, SplitMix64 rng)
    {
        c.Fill(WhiteIsh(ref rng));
        int count = rng.Next(1, 4);
        for (int k = 0; k < count; k++)
        {
            float cx = rng.Uniform(-0.45f, 0.45f), cy = rng.Uniform(-0.45f, 0.45f);
            float size = rng.Uniform(0.4f, 0.7f), rot = rng.Uniform(0f, 2 * MathF.PI);
            var vx = new float[3]; var vy = new float[3];
            for (int i = 0; i < 3; i++)
            {
                float a = rot + i * 2 * MathF.PI / 3 + rng.Uniform(-0.35f, 0.35f);
                vx[i] = cx + size * MathF.Cos(a); vy[i] = cy + size * MathF.Sin(a);
            }
            // Outward unit normals of the counter-clockwise edges; the max of edge distances is the SDF inside and near edges.
            var nx = new float[3]; var ny = new float[3]; var off = new float[3];
            for (int i = 0; i < 3; i++)
            {
                int j = (i + 1) % 3;
                float ex = vx[j] - vx[i], ey = vy[j] - vy[i], len = MathF.Sqrt(ex * ex + ey * ey);
                nx[i] = ey / len; ny[i] = -ex / len;
                off[i] = nx[i] * vx[i] + ny[i] * vy[i];
            }
            var colour = Vivid(ref rng);
            c.Paint((x, y) => MathF.Max(MathF.Max(nx[0] * x + ny[0] * y - off[0], nx[1] * x + ny[1] * y - off[1]),
                                        nx[2] * x + ny[2] * y - off[2]), colour,
                    (vx.Min(), vy.Min(), vx.Max(), vy.Max()));
        }
    }
}
