using System.Text.Json.Nodes;

namespace GenMerge.Infra.Tests;

/// <summary>The Functions app reaches storage, telemetry and the registry with its identity only.</summary>
[Collection("bicep")]
public class AppSettingsTests(BicepOutputs bicep)
{
    // Anything that carries or fetches a shared secret.
    static readonly string[] KeyMarkers =
    {
        "AccountKey=", "SharedAccessKey", "SharedAccessSignature", "sig=", "DefaultEndpointsProtocol",
        "UseDevelopmentStorage", "listKeys(", "listCredentials(", "listAccountSas(", "listServiceSas(", "Password",
    };

    static readonly string[] ForbiddenSettings =
    {
        "AzureWebJobsStorage", "GENMERGE_STORAGE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        "DOCKER_REGISTRY_SERVER_USERNAME", "DOCKER_REGISTRY_SERVER_PASSWORD", "APPINSIGHTS_INSTRUMENTATIONKEY",
    };

    Dictionary<string, string> Settings(JsonNode snapshot) =>
        BicepOutputs.Single(snapshot, "Microsoft.Web/sites")["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => (string)s!["name"]!, s => s!["value"]!.ToJsonString());

    string IdentityId => (string)BicepOutputs.Single(bicep.SnapshotT4, "Microsoft.ManagedIdentity/userAssignedIdentities")["id"]!;
    string StorageId => (string)BicepOutputs.Single(bicep.SnapshotT4, "Microsoft.Storage/storageAccounts")["id"]!;

    [Fact]
    public void No_app_setting_holds_a_key_or_keyed_connection_string()
    {
        foreach (var (name, value) in Settings(bicep.SnapshotT4))
            foreach (var marker in KeyMarkers)
                Assert.False(value.Contains(marker, StringComparison.OrdinalIgnoreCase),
                    $"app setting {name} contains '{marker}': {value}");
        var names = Settings(bicep.SnapshotT4).Keys;
        foreach (var forbidden in ForbiddenSettings)
            Assert.DoesNotContain(forbidden, names);
    }

    [Fact]
    public void Compiled_template_never_lists_keys_or_credentials()
    {
        foreach (var fn in new[] { "listKeys", "listCredentials", "listAccountSas", "listServiceSas", "listSecrets", "AccountKey=" })
            Assert.False(bicep.TemplateText.Contains(fn, StringComparison.OrdinalIgnoreCase), $"main.json contains {fn}");
    }

    [Theory]
    [InlineData("blob")]
    [InlineData("queue")]
    [InlineData("table")]
    public void Host_storage_is_identity_based(string service)
    {
        var s = Settings(bicep.SnapshotT4);
        var key = $"AzureWebJobsStorage__{service}ServiceUri";
        Assert.True(s.ContainsKey(key), $"{key} missing");
        Assert.Contains(StorageId, s[key]);
        Assert.Contains($"primaryEndpoints.{service}", s[key]);
        Assert.Equal("\"managedidentity\"", s["AzureWebJobsStorage__credential"]);
        Assert.Contains(IdentityId, s["AzureWebJobsStorage__clientId"]);
        Assert.EndsWith(".clientId]\"", s["AzureWebJobsStorage__clientId"]);
    }

    [Fact]
    public void Artifact_store_uses_blob_endpoint_and_identity_client_id()
    {
        var s = Settings(bicep.SnapshotT4);
        Assert.Contains(StorageId, s["GENMERGE_STORAGE_ACCOUNT_URL"]);
        Assert.Contains("primaryEndpoints.blob", s["GENMERGE_STORAGE_ACCOUNT_URL"]);
        Assert.Contains(IdentityId, s["AZURE_CLIENT_ID"]);
        Assert.EndsWith(".clientId]\"", s["AZURE_CLIENT_ID"]);
    }

    [Fact]
    public void Application_insights_ingestion_authenticates_with_the_identity()
    {
        var s = Settings(bicep.SnapshotT4);
        Assert.Contains("Microsoft.Insights/components/", s["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        var auth = s["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"];
        Assert.Contains("Authorization=AAD;ClientId=", auth);
        Assert.Contains(IdentityId, auth);
    }
}
