using GenMerge.Build;

namespace GenMerge.Core.Tests.Build;

/// <summary>The libstdc++ compatibility step of the build, on a copy of the shipped libLibTorchSharp.so.</summary>
public class GlibcxxCompatTests
{
    static string ShippedSo()
    {
        var nuget = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                    ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var so = Directory.GetFiles(Path.Combine(nuget, "torchsharp"), "libLibTorchSharp.so", SearchOption.AllDirectories)
            .FirstOrDefault(p => p.Contains("linux-x64"));
        Assert.True(so is not null, $"libLibTorchSharp.so not found under {nuget}/torchsharp (restore first)");
        return so!;
    }

    [Fact]
    public void Marking_the_requirement_weak_is_idempotent_and_changes_only_the_flag()
    {
        var copy = Path.GetTempFileName();
        try
        {
            File.Copy(ShippedSo(), copy, overwrite: true);
            var original = File.ReadAllBytes(copy);
            Assert.Equal(GlibcxxPatchResult.Patched, GlibcxxCompat.MarkWeak(copy));
            var patched = File.ReadAllBytes(copy);
            var diffs = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
            Assert.Single(diffs); // one byte: the flags half-word of the Vernaux entry
            Assert.Equal(0x2, (patched[diffs[0]] ^ original[diffs[0]]) & 0x2);
            Assert.Equal(GlibcxxPatchResult.AlreadyWeak, GlibcxxCompat.MarkWeak(copy));
            Assert.Equal(patched, File.ReadAllBytes(copy));
        }
        finally { File.Delete(copy); }
    }

    [Fact]
    public void Patching_a_hard_link_leaves_the_linked_file_untouched()
    {
        // Build outputs are hard links into the NuGet cache; the patch must not write through them.
        var dir = Directory.CreateTempSubdirectory("glibcxx-link-");
        try
        {
            var cache = Path.Combine(dir.FullName, "cache.so");
            var output = Path.Combine(dir.FullName, "output.so");
            File.Copy(ShippedSo(), cache);
            var original = File.ReadAllBytes(cache);
            using (var ln = System.Diagnostics.Process.Start("ln", new[] { cache, output })!)
            {
                ln.WaitForExit();
                Assert.Equal(0, ln.ExitCode);
            }

            Assert.Equal(GlibcxxPatchResult.Patched, GlibcxxCompat.MarkWeak(output));
            Assert.Equal(original, File.ReadAllBytes(cache));
            Assert.NotEqual(original, File.ReadAllBytes(output));
            Assert.Equal(GlibcxxPatchResult.AlreadyWeak, GlibcxxCompat.MarkWeak(output));
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void The_built_so_is_patched_where_the_system_lacks_the_version()
    {
        var built = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(built), built);
        var copy = Path.GetTempFileName();
        try
        {
            File.Copy(built, copy, overwrite: true);
            var expected = GlibcxxCompat.SystemHasVersion() ? GlibcxxPatchResult.Patched : GlibcxxPatchResult.AlreadyWeak;
            Assert.Equal(expected, GlibcxxCompat.MarkWeak(copy));
        }
        finally { File.Delete(copy); }
    }

    [Fact]
    public void A_file_that_is_not_elf_is_refused()
    {
        var f = Path.GetTempFileName();
        try
        {
            File.WriteAllText(f, "not an elf file at all");
            Assert.Throws<InvalidDataException>(() => GlibcxxCompat.MarkWeak(f));
        }
        finally { File.Delete(f); }
    }
}
