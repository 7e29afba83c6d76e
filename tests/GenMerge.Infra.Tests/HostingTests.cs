using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GenMerge.Infra.Tests;

/// <summary>Functions on Container Apps, on a serverless GPU profile, pulled from a keyless registry.</summary>
[Collection("bicep")]
public class HostingTests(BicepOutputs bicep)
{
    [Theory]
    [InlineData("T4", "Consumption-GPU-NC8as-T4")]
    [InlineData("A100", "Consumption-GPU-NC24-A100")]
    public void Gpu_workload_profile_exists_and_hosts_the_app(string gpu, string profileType)
    {
        var snapshot = gpu == "T4" ? bicep.SnapshotT4 : bicep.SnapshotA100;
        var profiles = BicepOutputs.Single(snapshot, "Microsoft.App/managedEnvironments")["properties"]!["workloadProfiles"]!
            .AsArray().Select(p => (Name: (string)p!["name"]!, Type: (string)p!["workloadProfileType"]!)).ToList();
        Assert.Contains(profiles, p => p.Type == "Consumption");
        var gpuProfile = Assert.Single(profiles, p => p.Type == profileType);

        var site = BicepOutputs.Single(snapshot, "Microsoft.Web/sites");
        Assert.Equal(gpuProfile.Name, (string?)site["properties"]!["workloadProfileName"]);
    }

    [Fact]
    public void Site_is_a_functions_app_on_the_container_apps_environment()
    {
        var site = BicepOutputs.Single(bicep.SnapshotT4, "Microsoft.Web/sites");
        var p = site["properties"]!;
        Assert.Equal("functionapp,linux,container,azurecontainerapps", (string?)site["kind"]);
        Assert.Equal((string)BicepOutputs.Single(bicep.SnapshotT4, "Microsoft.App/managedEnvironments")["id"]!,
            (string?)p["managedEnvironmentId"]);
        Assert.True(p["httpsOnly"]?.GetValue<bool>() ?? false, "httpsOnly must be true");
        Assert.True(p["resourceConfig"]?["cpu"]?.GetValue<double>() > 0, "resourceConfig.cpu missing");
        Assert.Matches("^[0-9.]+Gi$", (string?)p["resourceConfig"]?["memory"] ?? "");
        Assert.StartsWith("DOCKER|", (string?)p["siteConfig"]?["linuxFxVersion"]);
        Assert.Equal(0, p["siteConfig"]?["minimumElasticInstanceCount"]?.GetValue<int>());
        Assert.True(p["siteConfig"]?["functionAppScaleLimit"]?.GetValue<int>() >= 1);
        Assert.Equal("api", (string?)site["tags"]?["azd-service-name"]);
    }

    [Fact]
    public void Site_runs_as_the_user_assigned_identity_and_pulls_with_it()
    {
        var site = BicepOutputs.Single(bicep.SnapshotT4, "Microsoft.Web/sites");
        var identityId = (string)BicepOutputs.Single(bicep.SnapshotT4, "Microsoft.ManagedIdentity/userAssignedIdentities")["id"]!;
        Assert.Equal("UserAssigned", (string?)site["identity"]?["type"]);
        Assert.NotNull(site["identity"]?["userAssignedIdentities"]?[identityId]);
        Assert.True(site["properties"]!["siteConfig"]?["acrUseManagedIdentityCreds"]?.GetValue<bool>() ?? false);
        Assert.Equal(identityId, (string?)site["properties"]!["siteConfig"]?["acrUserManagedIdentityID"]);
    }

    [Fact]
    public void Registry_has_no_admin_user()
    {
        var acr = BicepOutputs.Single(bicep.SnapshotT4, "Microsoft.ContainerRegistry/registries");
        Assert.False(acr["properties"]?["adminUserEnabled"]?.GetValue<bool>() ?? true, "adminUserEnabled must be false");
    }

    [Fact]
    public void Every_resource_carries_the_azd_env_tag()
    {
        foreach (var r in bicep.SnapshotT4["predictedResources"]!.AsArray().OfType<JsonObject>()
                     .Where(r => r["location"] != null))
            Assert.True((string?)r["tags"]?["azd-env-name"] == "ci", $"{r["id"]} lacks tag azd-env-name=ci");
    }

    [Fact]
    public void Outputs_are_upper_snake_and_name_what_azd_needs()
    {
        var outputs = bicep.Template["outputs"]!.AsObject().Select(o => o.Key).ToList();
        Assert.All(outputs, o => Assert.Matches(new Regex("^[A-Z][A-Z0-9_]*$"), o));
        foreach (var needed in new[] { "AZURE_CONTAINER_REGISTRY_ENDPOINT", "AZURE_RESOURCE_GROUP", "SERVICE_API_NAME", "GENMERGE_STORAGE_ACCOUNT_URL" })
            Assert.Contains(needed, outputs);
        // targetScope = 'subscription': the template creates its own resource group.
        Assert.Contains("subscriptionDeploymentTemplate", (string)bicep.Template["$schema"]!);
    }
}
