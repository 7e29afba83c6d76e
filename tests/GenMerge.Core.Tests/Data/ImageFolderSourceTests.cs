using GenMerge.Core.Data;
using GenMerge.Core.Tests.Imaging;
using SkiaSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Data;

public sealed class ImageFolderSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("genmerge-folder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Populate()
    {
        ImageIOTests.WriteTestImage(Path.Combine(_dir, "a.png"), 64, 32, SKEncodedImageFormat.Png);
        ImageIOTests.WriteTestImage(Path.Combine(_dir, "b.jpg"), 30, 50, SKEncodedImageFormat.Jpeg);
        ImageIOTests.WriteTestImage(Path.Combine(_dir, "sub", "c.PNG"), 20, 20, SKEncodedImageFormat.Png, alpha: 0);
        File.WriteAllText(Path.Combine(_dir, "broken.png"), "garbage, not a png");
        File.WriteAllText(Path.Combine(_dir, "readme.txt"), "ignored: not an image extension");
    }

    [Fact]
    public void Loads_png_and_jpeg_recursively_and_reports_the_corrupt_file()
    {
        Populate();
        var warnings = new List<SkippedImage>();
        var source = new ImageFolderSource(_dir, 16, seed: 1, onSkipped: warnings.Add);
        Assert.Equal(3, source.Count);
        Assert.Equal(new[] { "a.png", "b.jpg", Path.Combine("sub", "c.PNG") }, source.Files.Select(f => Path.GetRelativePath(_dir, f)));
        var skipped = Assert.Single(source.Skipped);
        Assert.Equal(Path.Combine(_dir, "broken.png"), skipped.File);
        Assert.Contains("not a decodable image", skipped.Reason);
        Assert.Equal(source.Skipped, warnings);

        using var all = source.All();
        Assert.Equal(new long[] { 3, 3, 16, 16 }, all.shape);
        Assert.True(all[0, 0, 8, 2].item<float>() > 0.9f);   // a.png: red on the left after the centre crop
        Assert.True(all[0, 2, 8, 13].item<float>() > 0.9f);  // blue on the right
        Assert.Equal(1f, all[2].min().item<float>(), 2);     // transparent c.PNG is white
    }

    [Fact]
    public void Non_recursive_ignores_subfolders()
    {
        Populate();
        var source = new ImageFolderSource(_dir, 8, seed: 1, recursive: false);
        Assert.Equal(2, source.Count);
    }

    [Fact]
    public void Batches_cycle_through_shuffled_epochs_deterministically()
    {
        Populate();
        var a = new ImageFolderSource(_dir, 8, seed: 3);
        var b = new ImageFolderSource(_dir, 8, seed: 3);
        using var all = a.All();
        var seen = new List<int>();
        for (int step = 0; step < 4; step++)
        {
            using var x = a.NextBatch(3);
            using var y = b.NextBatch(3);
            Assert.True(x.equal(y).all().item<bool>());
            // Map each image back to its index in the folder.
            for (int i = 0; i < 3; i++)
                seen.Add(Enumerable.Range(0, 3).Single(k => all[k].equal(x[i]).all().item<bool>()));
        }
        Assert.Equal(3, a.Epoch);
        // Each epoch of 3 draws shows every image once.
        for (int e = 0; e < 4; e++) Assert.Equal(new[] { 0, 1, 2 }, seen.Skip(3 * e).Take(3).Order());
        Assert.True(Enumerable.Range(1, 3).Any(e => !seen.Skip(3 * e).Take(3).SequenceEqual(seen.Take(3))), "epochs should be reshuffled");
    }

    [Fact]
    public void Empty_folder_is_an_error_naming_it()
    {
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "no images here");
        var ex = Assert.Throws<InvalidDataException>(() => new ImageFolderSource(_dir, 16, 0));
        Assert.Contains(_dir, ex.Message);
        Assert.Contains("no image files", ex.Message);
    }

    [Fact]
    public void Folder_of_only_corrupt_images_is_an_error_naming_it()
    {
        File.WriteAllText(Path.Combine(_dir, "x.jpg"), "nope");
        var ex = Assert.Throws<InvalidDataException>(() => new ImageFolderSource(_dir, 16, 0));
        Assert.Contains(_dir, ex.Message);
        Assert.Contains("no readable image", ex.Message);
    }

    [Fact]
    public void Missing_folder_is_an_error_naming_it()
    {
        var missing = Path.Combine(_dir, "does-not-exist");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => new ImageFolderSource(missing, 16, 0));
        Assert.Contains(missing, ex.Message);
    }
}
