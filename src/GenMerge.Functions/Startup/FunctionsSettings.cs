namespace GenMerge.Functions.Startup;

/// <summary>App settings the GenMerge Functions app reads (environment variables / local.settings.json Values).</summary>
public static class FunctionsSettings
{
    /// <summary>Blob endpoint of the artifact account (https://account.blob.core.windows.net[/container]); DefaultAzureCredential, identity picked by AZURE_CLIENT_ID. Set by infra.</summary>
    public const string StorageAccountUrl = "GENMERGE_STORAGE_ACCOUNT_URL";

    /// <summary>Artifact store as one string (ArtifactStores.FromSetting): a connection string such as "UseDevelopmentStorage=true", an https URI or an absolute folder.</summary>
    public const string Storage = "GENMERGE_STORAGE";

    /// <summary>Artifact container name (default "genmerge").</summary>
    public const string Container = "GENMERGE_CONTAINER";

    /// <summary>Folder of the local store when neither storage setting is set (default ~/.genmerge/store).</summary>
    public const string LocalRoot = "GENMERGE_LOCAL_ROOT";

    /// <summary>The host's storage connection: the blob trigger watches its merge-requests container.</summary>
    public const string HostStorage = "AzureWebJobsStorage";

    /// <summary>Container whose new blobs are merge requests.</summary>
    public const string RequestsContainer = GenMerge.Api.Inbox.MergeRequestInbox.Container;

    public static string DefaultLocalRoot =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".genmerge", "store");
}
