using Azure.Identity;
using GenMerge.Pipeline.Storage;

namespace GenMerge.Pipeline.Tests.Storage;

public sealed class ArtifactStoresTests
{
    readonly string localRoot = Path.Combine(Path.GetTempPath(), "gm-setting-" + Guid.NewGuid().ToString("N")[..8]);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Nothing_means_the_local_folder(string? setting)
    {
        var store = Assert.IsType<LocalFolderStore>(ArtifactStores.FromSetting(setting, localRoot));
        Assert.Equal(Path.GetFullPath(localRoot), store.Root);
        Directory.Delete(localRoot);
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;")]
    public void Connection_strings_mean_blob(string setting)
    {
        var store = Assert.IsType<BlobArtifactStore>(ArtifactStores.FromSetting(setting, localRoot, "mycontainer"));
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1/mycontainer/runs/x/report.md", store.Locate("runs/x/report.md"));
    }

    [Fact]
    public void Https_uri_means_blob_with_token_credential_and_its_container()
    {
        var store = Assert.IsType<BlobArtifactStore>(ArtifactStores.FromSetting("https://acct.blob.core.windows.net/artifacts", localRoot));
        Assert.Equal("https://acct.blob.core.windows.net/artifacts/runs/x/merged.safetensors", store.Locate("runs/x/merged.safetensors"));
        var byAccount = BlobArtifactStore.FromUri(new Uri("https://acct.blob.core.windows.net"), new DefaultAzureCredential());
        Assert.Equal("https://acct.blob.core.windows.net/genmerge/a", byAccount.Locate("a"));
    }

    [Fact]
    public void Absolute_path_means_that_folder()
    {
        var store = Assert.IsType<LocalFolderStore>(ArtifactStores.FromSetting(localRoot, "/elsewhere"));
        Assert.Equal(Path.GetFullPath(localRoot), store.Root);
        Directory.Delete(localRoot);
    }

    [Theory]
    [InlineData("not a setting", "not understood")]
    [InlineData("AccountKey=secretsecret;Foo=1", "not understood")]
    [InlineData("http://acct.blob.core.windows.net", "not understood")]
    public void Other_settings_are_rejected_without_echoing_secrets(string setting, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => ArtifactStores.FromSetting(setting, localRoot));
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain("secretsecret", e.Message);
    }

    [Fact]
    public void Bad_container_name_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => ArtifactStores.FromSetting("UseDevelopmentStorage=true", localRoot, "Bad_Name"));
        Assert.Contains("'Bad_Name'", e.Message);
    }
}
