using GenMerge.Functions.Startup;
using GenMerge.Pipeline.Storage;
using Microsoft.Extensions.Configuration;

namespace GenMerge.Functions.Tests.Registration;

public sealed class ServiceRegistrationTests
{
    static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    [Fact]
    public void Account_url_wins_and_names_the_container()
    {
        var store = ServiceRegistration.CreateArtifactStore(Config(
            (FunctionsSettings.StorageAccountUrl, "https://acct.blob.core.windows.net/"),
            (FunctionsSettings.Storage, "UseDevelopmentStorage=true"),
            (FunctionsSettings.Container, "runs2")));
        var blob = Assert.IsType<BlobArtifactStore>(store);
        Assert.Equal("https://acct.blob.core.windows.net/runs2", blob.Container.Uri.ToString());
    }

    [Fact]
    public void Connection_string_gives_a_blob_store_in_the_default_container()
    {
        var blob = Assert.IsType<BlobArtifactStore>(ServiceRegistration.CreateArtifactStore(Config((FunctionsSettings.Storage, "UseDevelopmentStorage=true"))));
        Assert.Equal(BlobArtifactStore.DefaultContainerName, blob.Container.Name);
        Assert.Equal("127.0.0.1", blob.Container.Uri.Host);
    }

    [Fact]
    public void No_storage_setting_gives_a_local_folder_at_the_configured_root()
    {
        string root = Path.Combine(Path.GetTempPath(), "genmerge-fn-root-" + Guid.NewGuid().ToString("N")[..8]);
        var store = ServiceRegistration.CreateArtifactStore(Config((FunctionsSettings.LocalRoot, root), (FunctionsSettings.Storage, "  ")));
        Assert.IsType<LocalFolderStore>(store);
        Assert.StartsWith(Path.GetFullPath(root), store.Locate("runs/x/report.json"));
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void Bad_account_url_is_refused_naming_the_setting()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ServiceRegistration.CreateArtifactStore(Config((FunctionsSettings.StorageAccountUrl, "acct.blob"))));
        Assert.Contains(FunctionsSettings.StorageAccountUrl, e.Message);
    }

    [Fact]
    public void Request_inbox_follows_the_host_storage_connection()
    {
        var local = Assert.IsType<BlobArtifactStore>(ServiceRegistration.CreateRequestInboxStore(Config((FunctionsSettings.HostStorage, "UseDevelopmentStorage=true"))));
        Assert.Equal("merge-requests", local.Container.Name);

        // Identity-based host storage (as infra sets it): AzureWebJobsStorage__blobServiceUri.
        var azure = Assert.IsType<BlobArtifactStore>(ServiceRegistration.CreateRequestInboxStore(Config(("AzureWebJobsStorage:blobServiceUri", "https://acct.blob.core.windows.net"))));
        Assert.Equal("https://acct.blob.core.windows.net/merge-requests", azure.Container.Uri.ToString());
    }
}
