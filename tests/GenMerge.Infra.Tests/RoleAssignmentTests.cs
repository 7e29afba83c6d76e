using System.Text.Json.Nodes;

namespace GenMerge.Infra.Tests;

/// <summary>The identity holds exactly the data roles the host and the artifact store need.</summary>
[Collection("bicep")]
public class RoleAssignmentTests(BicepOutputs bicep)
{
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    public const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

    string IdOf(string type) => (string)BicepOutputs.Single(bicep.SnapshotT4, type)["id"]!;

    /// <summary>Role assignments of the app's identity, as (scope resource id, role GUID).</summary>
    List<(string Scope, string Role)> IdentityAssignments()
    {
        var identityId = IdOf("Microsoft.ManagedIdentity/userAssignedIdentities");
        return BicepOutputs.Resources(bicep.SnapshotT4, "Microsoft.Authorization/roleAssignments")
            .Where(r => ((string?)r["properties"]?["principalId"] ?? "").Contains(identityId)
                        && ((string?)r["properties"]?["principalId"] ?? "").EndsWith(".principalId]"))
            .Select(r =>
            {
                var id = (string)r["id"]!;
                var scope = id[..id.IndexOf("/providers/Microsoft.Authorization/roleAssignments/", StringComparison.Ordinal)];
                var role = ((string)r["properties"]!["roleDefinitionId"]!).Split('/').Last();
                Assert.Equal("ServicePrincipal", (string?)r["properties"]!["principalType"]);
                return (scope, role);
            })
            .ToList();
    }

    [Theory]
    [InlineData(StorageBlobDataOwner, "Microsoft.Storage/storageAccounts")]
    [InlineData(StorageQueueDataContributor, "Microsoft.Storage/storageAccounts")]
    [InlineData(StorageTableDataContributor, "Microsoft.Storage/storageAccounts")]
    [InlineData(MonitoringMetricsPublisher, "Microsoft.Insights/components")]
    [InlineData(AcrPull, "Microsoft.ContainerRegistry/registries")]
    public void Identity_has_role_on_resource(string roleGuid, string scopeType)
    {
        var scope = IdOf(scopeType);
        var assignments = IdentityAssignments();
        Assert.True(assignments.Contains((scope, roleGuid)),
            $"no assignment of role {roleGuid} to the identity on {scope}; found: " +
            string.Join("; ", assignments.Select(a => $"{a.Role} on {a.Scope}")));
    }

    [Fact]
    public void Deploying_user_gets_blob_data_access_when_a_principal_is_given()
    {
        var user = BicepOutputs.Resources(bicep.SnapshotT4, "Microsoft.Authorization/roleAssignments")
            .Where(r => (string?)r["properties"]?["principalId"] == "11111111-1111-1111-1111-111111111111")
            .ToList();
        var only = Assert.Single(user);
        Assert.EndsWith("ba92f5b4-2d11-453d-a403-e96b0029c9fe", (string)only["properties"]!["roleDefinitionId"]!);
        Assert.StartsWith(IdOf("Microsoft.Storage/storageAccounts") + "/providers/", (string)only["id"]!);
    }
}
