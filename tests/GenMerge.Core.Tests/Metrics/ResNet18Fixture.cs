using GenMerge.Core.Metrics;

namespace GenMerge.Core.Tests.Metrics;

/// <summary>One batched and one batch-1 extractor shared by the tests that run the network (loading costs ~1 s).</summary>
public sealed class ResNet18Fixture : IDisposable
{
    public ResNet18Features Batched { get; } = new(new ResNet18FeatureOptions { BatchSize = 8 });
    public ResNet18Features Single { get; } = new(new ResNet18FeatureOptions { BatchSize = 1 });

    public void Dispose()
    {
        Batched.Dispose();
        Single.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ResNet18Collection : ICollectionFixture<ResNet18Fixture>
{
    public const string Name = "ResNet18";
}
