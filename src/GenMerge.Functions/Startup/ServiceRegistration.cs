using GenMerge.Api.Inbox;
using GenMerge.Api.Merges;
using GenMerge.Pipeline.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GenMerge.Functions.Startup;

/// <summary>Services of the Functions app: the artifact store the activities take, the request inbox, the starter.</summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddGenMergeFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        // Created on first use, so a misconfigured store fails the first function that needs it with
        // the store's own message instead of failing the worker's start-up.
        services.AddSingleton<IArtifactStore>(_ => CreateArtifactStore(configuration));
        services.AddSingleton(_ => new MergeRequestInbox(CreateRequestInboxStore(configuration)));
        services.AddSingleton<MergeStarter>();
        return services;
    }

    /// <summary>
    /// GENMERGE_STORAGE_ACCOUNT_URL (blob endpoint, DefaultAzureCredential) first; else GENMERGE_STORAGE
    /// (connection string, https URI or folder); else a local folder at GENMERGE_LOCAL_ROOT.
    /// </summary>
    public static IArtifactStore CreateArtifactStore(IConfiguration configuration)
    {
        string container = Setting(configuration, FunctionsSettings.Container) ?? BlobArtifactStore.DefaultContainerName;
        if (Setting(configuration, FunctionsSettings.StorageAccountUrl) is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri))
                throw new InvalidOperationException($"{FunctionsSettings.StorageAccountUrl} '{url}' is not an absolute URI (expected https://ACCOUNT.blob.core.windows.net).");
            return BlobArtifactStore.FromUri(uri, credential: null, container);
        }
        return ArtifactStores.FromSetting(Setting(configuration, FunctionsSettings.Storage), LocalRoot(configuration), container);
    }

    /// <summary>
    /// The merge-requests container of the host storage the blob trigger watches (AzureWebJobsStorage as a
    /// connection string, or its identity-based form AzureWebJobsStorage__blobServiceUri); a folder
    /// 'merge-requests' beside the local store when the host has no storage setting.
    /// </summary>
    public static IArtifactStore CreateRequestInboxStore(IConfiguration configuration)
    {
        string container = FunctionsSettings.RequestsContainer;
        if (Setting(configuration, FunctionsSettings.HostStorage) is { } connection)
            return BlobArtifactStore.FromConnectionString(connection, container);
        if (Setting(configuration, FunctionsSettings.HostStorage + ":blobServiceUri") is { } blobUri)
            return BlobArtifactStore.FromUri(new Uri(blobUri), credential: null, container);
        return new LocalFolderStore(Path.Combine(LocalRoot(configuration), container));
    }

    static string LocalRoot(IConfiguration configuration) =>
        Setting(configuration, FunctionsSettings.LocalRoot) ?? FunctionsSettings.DefaultLocalRoot;

    static string? Setting(IConfiguration configuration, string key) =>
        configuration[key] is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
}
