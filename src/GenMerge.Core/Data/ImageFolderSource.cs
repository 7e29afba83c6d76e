using GenMerge.Core.Imaging;
using static TorchSharp.torch;

namespace GenMerge.Core.Data;

/// <summary>An image file that <see cref="ImageFolderSource"/> could not use, and why.</summary>
public sealed record SkippedImage(string File, string Reason);

/// <summary>
/// Images from a folder (PNG, JPEG, WebP, BMP, GIF by extension; subfolders included unless
/// <c>recursive</c> is false; hidden files and other extensions ignored). Every image is decoded once at
/// construction, centre-cropped, resized to the resolution and composited on white, and kept in memory
/// (3 * R * R floats each). Unreadable files are skipped and reported. Batches come in seeded shuffled epochs.
/// </summary>
public sealed class ImageFolderSource : IImageSource
{
    public static readonly IReadOnlyList<string> Extensions = new[] { ".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif" };

    private readonly float[] _pixels;
    private readonly EpochSampler _sampler;

    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds no readable image.</exception>
    /// <param name="name">What provenance records as the data (e.g. `emoji:flags`); default the folder's full path.</param>
    public ImageFolderSource(string folder, int resolution, long seed, bool recursive = true, Action<SkippedImage>? onSkipped = null,
                             string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (resolution < 1) throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "resolution must be positive");
        Folder = Path.GetFullPath(folder);
        if (!Directory.Exists(Folder)) throw new DirectoryNotFoundException($"image folder '{Folder}' does not exist");
        Name = name ?? Folder;
        Resolution = resolution;
        Seed = seed;

        var candidates = Directory.EnumerateFiles(Folder, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => !Path.GetFileName(f).StartsWith('.') && Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray();
        var decoded = new float[candidates.Length][];
        var errors = new string?[candidates.Length];
        Parallel.For(0, candidates.Length, i =>
        {
            try { decoded[i] = ImageIO.LoadPixels(candidates[i], resolution); }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                errors[i] = ex.Message.StartsWith(candidates[i], StringComparison.Ordinal) ? ex.Message[(candidates[i].Length + 2)..] : ex.Message;
            }
        });

        var files = new List<string>();
        var skipped = new List<SkippedImage>();
        int size = 3 * resolution * resolution;
        _pixels = new float[(long)size * (candidates.Length - errors.Count(e => e is not null))];
        for (int i = 0; i < candidates.Length; i++)
        {
            if (errors[i] is { } reason)
            {
                var skip = new SkippedImage(candidates[i], reason);
                skipped.Add(skip);
                onSkipped?.Invoke(skip);
                continue;
            }
            decoded[i].CopyTo(_pixels, (long)files.Count * size);
            files.Add(candidates[i]);
        }
        Files = files;
        Skipped = skipped;
        if (files.Count == 0)
            throw new InvalidDataException(candidates.Length == 0
                ? $"image folder '{Folder}' holds no image files ({string.Join(", ", Extensions)}{(recursive ? ", subfolders included" : "")})"
                : $"image folder '{Folder}' holds no readable image: all {candidates.Length} image files failed to decode (first: {skipped[0].File}: {skipped[0].Reason})");
        _sampler = new EpochSampler(files.Count, seed);
    }

    public string Name { get; }
    public string Folder { get; }
    public int Resolution { get; }
    public long Seed { get; }
    public int Count => Files.Count;
    /// <summary>The loaded files, in index order (ordinal path order).</summary>
    public IReadOnlyList<string> Files { get; }
    /// <summary>Files that looked like images but could not be decoded.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }
    /// <summary>Zero-based epoch of the last image handed out.</summary>
    public long Epoch => _sampler.Epoch;

    public Tensor NextBatch(int batchSize) => Gather(_sampler.Next(batchSize));

    /// <summary>Every loaded image in file order, [Count, 3, R, R].</summary>
    public Tensor All() => Gather(Enumerable.Range(0, Count).ToArray());

    private Tensor Gather(int[] indices)
    {
        int size = 3 * Resolution * Resolution;
        var batch = new float[(long)indices.Length * size];
        for (int i = 0; i < indices.Length; i++)
            Array.Copy(_pixels, (long)indices[i] * size, batch, (long)i * size, size);
        return tensor(batch, new long[] { indices.Length, 3, Resolution, Resolution });
    }
}
