using GenMerge.Core.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Metrics;

public class DomainClassifierTests
{
    [Fact]
    public void Separates_clearly_different_clusters_perfectly()
    {
        using var scope = NewDisposeScope();
        var gen = new torch.Generator(4);
        // Collinear means: the middle class is the hard one for a linear model fit on few samples (n < d).
        Tensor Cluster(double offset, int n) => torch.randn(n, 512, generator: gen) + offset * torch.ones(512);
        var train = new[] { Cluster(-1, 60), Cluster(1, 60), Cluster(3, 60) };
        using var clf = new DomainClassifier();
        clf.Fit(train);
        Assert.Equal(3, clf.Classes);
        Assert.Equal(1.0, clf.Accuracy(Cluster(-1, 40), 0));
        Assert.Equal(1.0, clf.Accuracy(Cluster(1, 40), 1));
        Assert.Equal(1.0, clf.Accuracy(Cluster(3, 40), 2));
        Assert.Equal(0.0, clf.Accuracy(Cluster(3, 10), 0));
        Assert.All(clf.Predict(Cluster(1, 7)), p => Assert.Equal(1, p));
    }

    [Fact]
    public void Fit_on_random_labels_stays_near_chance_on_new_data()
    {
        // Guards against a classifier that "succeeds" regardless of the data: two draws of one
        // distribution cannot be told apart on fresh samples.
        using var scope = NewDisposeScope();
        var gen = new torch.Generator(6);
        using var clf = new DomainClassifier(steps: 100);
        clf.Fit(new[] { torch.randn(200, 16, generator: gen), torch.randn(200, 16, generator: gen) });
        double acc = clf.Accuracy(torch.randn(2000, 16, generator: gen), 0);
        Assert.InRange(acc, 0.3, 0.7);
    }

    [Fact]
    public void Misuse_is_reported()
    {
        using var scope = NewDisposeScope();
        using var clf = new DomainClassifier();
        Assert.Throws<InvalidOperationException>(() => clf.Predict(torch.zeros(2, 4)));
        Assert.Throws<ArgumentException>(() => clf.Fit(new[] { torch.zeros(3, 4) }));
        Assert.Throws<ArgumentException>(() => clf.Fit(new[] { torch.zeros(3, 4), torch.zeros(3, 5) }));
    }
}
