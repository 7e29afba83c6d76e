using System.Text.Json.Nodes;

namespace GenMerge.Infra.Tests;

[Collection("bicep")]
public class StorageAccountTests(BicepOutputs bicep)
{
    JsonNode Props => BicepOutputs.Single(bicep.SnapshotT4, "Microsoft.Storage/storageAccounts")["properties"]!;

    [Fact]
    public void Shared_key_access_is_explicitly_off() =>
        // Missing means allowed (the service default), so the property must be present and false.
        Assert.False(Props["allowSharedKeyAccess"]?.GetValue<bool>() ?? true, "allowSharedKeyAccess must be false");

    [Fact]
    public void Public_blob_access_is_off() =>
        Assert.False(Props["allowBlobPublicAccess"]?.GetValue<bool>() ?? true, "allowBlobPublicAccess must be false");

    [Fact]
    public void Https_only_with_minimum_tls_1_2()
    {
        Assert.True(Props["supportsHttpsTrafficOnly"]?.GetValue<bool>() ?? false, "supportsHttpsTrafficOnly must be true");
        Assert.Equal("TLS1_2", (string?)Props["minimumTlsVersion"]);
    }

    [Fact]
    public void Runs_and_merge_request_containers_exist_and_are_private()
    {
        var containers = BicepOutputs.Resources(bicep.SnapshotT4, "Microsoft.Storage/storageAccounts/blobServices/containers")
            .ToDictionary(c => ((string)c["name"]!).Split('/').Last(), c => (string?)c["properties"]?["publicAccess"]);
        foreach (var name in new[] { "runs", "merge-requests" })
        {
            Assert.True(containers.ContainsKey(name), $"blob container '{name}' missing; found: {string.Join(", ", containers.Keys)}");
            Assert.Equal("None", containers[name]);
        }
    }
}
