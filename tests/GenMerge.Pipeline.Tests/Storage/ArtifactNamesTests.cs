using GenMerge.Pipeline.Storage;

namespace GenMerge.Pipeline.Tests.Storage;

public sealed class ArtifactNamesTests
{
    [Theory]
    [InlineData("runs/abc/merged.safetensors")]
    [InlineData("runs/2024-01-01T00-00/shards/ffhq_256/0003.safetensors")]
    [InlineData("a")]
    [InlineData("x/y=z+w@v~u")]
    public void Valid_names_pass(string name) => Assert.Equal(name, ArtifactNames.Validate(name));

    [Fact]
    public void Too_long_name_is_rejected_with_its_length()
    {
        string name = new('a', ArtifactNames.MaxLength + 1);
        var e = Assert.Throws<ArgumentException>(() => ArtifactNames.Validate(name));
        Assert.Contains($"{ArtifactNames.MaxLength + 1} characters", e.Message);
    }

    [Fact]
    public void Prefix_may_end_with_slash_or_stop_mid_segment()
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
    public void Segments_are_checked_with_what_they_are(string segment, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => ArtifactNames.ValidateSegment(segment, "model"));
        Assert.StartsWith($"model '{segment}'", e.Message);
        Assert.Contains(reason, e.Message);
    }
}
