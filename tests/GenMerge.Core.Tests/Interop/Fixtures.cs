namespace GenMerge.Core.Tests.Interop;

/// <summary>Finds tests/fixtures (committed outputs of the Python fixture scripts) from the test's bin folder.</summary>
internal static class Fixtures
{
    public static string Path(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures");
            if (Directory.Exists(candidate)) return System.IO.Path.Combine([candidate, .. parts]);
        }
        throw new DirectoryNotFoundException("tests/fixtures not found above " + AppContext.BaseDirectory);
    }
}
