using GenMerge.Functions.Blobs;
using GenMerge.Pipeline.Storage;

namespace GenMerge.Functions.Tests.Blobs;

public sealed class BlobRunIdsTests
{
    [Theory]
    [InlineData("cats-dogs.json", "blob-cats-dogs-")]
    [InlineData("team/a b.json", "blob-team-a-b-")]
    [InlineData("../..json", "blob-")]
    public void Id_is_deterministic_readable_and_valid_as_a_run_folder(string name, string prefix)
    {
        string id = BlobRunIds.For(name);
        Assert.Equal(id, BlobRunIds.For(name));
        Assert.StartsWith(prefix, id);
        ArtifactNames.ValidateSegment(id, "run id"); // throws if not usable as runs/{id}/
    }

    [Fact]
    public void Names_that_sanitize_alike_still_get_different_ids()
    {
        Assert.NotEqual(BlobRunIds.For("a b.json"), BlobRunIds.For("a-b.json"));
        Assert.NotEqual(BlobRunIds.For("A.json"), BlobRunIds.For("a.json"));
    }

    [Fact]
    public void Long_names_are_cut()
    {
        string id = BlobRunIds.For(new string('x', 500) + ".json");
        Assert.True(id.Length <= 5 + 40 + 1 + 12, id);
    }
}
