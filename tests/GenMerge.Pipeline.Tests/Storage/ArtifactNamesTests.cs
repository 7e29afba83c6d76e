using GenMerge.Pipeline.Storage;

namespace GenMerge.Pipeline.Tests.Storage;

public sealed class ArtifactNamesTests
{
    [Theory]
    [InlineData("runs/abc/merged.safetensors")]
    [InlineData("runs/2024-01-01T00-00/shards/ffhq_256/0003.safetensors")]
    [InlineData("a")]
    [InlineData("x/y=z+w@v~u")]
    public void ValidNamesPass(string name) => Assert.Equal(name, ArtifactNames.Validate(name));

    [Fact]
    public void TooLongNameIsRejectedWithItsLength()
    {
        string name = new('a', ArtifactNames.MaxLength + 1);
        var e = Assert.Throws<ArgumentException>(() => ArtifactNames.Validate(name));
        Assert.Contains($"{ArtifactNames.MaxLength + 1} characters", e.Message);
    }

    [Fact]
    public void PrefixMayEndWithSlashOrStopMidSegment()
    {
        Assert.Equal("runs/", ArtifactNames.ValidatePrefix("runs/"));
        Assert.Equal("runs/ab", ArtifactNames.ValidatePrefix("runs/ab"));
        Assert.Equal("", ArtifactNames.ValidatePrefix(null));
        Assert.Throws<ArgumentException>(() => ArtifactNames.ValidatePrefix("runs//"));
        Assert.Throws<ArgumentException>(() => ArtifactNames.ValidatePrefix("../"));
    }

    [Theory]
    [InlineData("a/b", "'/'")]
    [InlineData("..", "'..'")]
    [InlineData("", "empty")]
    public void SegmentsAreCheckedWithWhatTheyAre(string segment, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => ArtifactNames.ValidateSegment(segment, "model"));
        Assert.StartsWith($"model '{segment}'", e.Message);
        Assert.Contains(reason, e.Message);
    }
}
