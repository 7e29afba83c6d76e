namespace GenMerge.Infra.Tests;

[Collection("bicep")]
public class MonitoringTests(BicepOutputs bicep)
{
    [Fact]
    public void Application_insights_local_auth_is_disabled_and_workspace_based()
    {
        var ai = BicepOutputs.Single(bicep.SnapshotT4, "Microsoft.Insights/components");
        Assert.True(ai["properties"]?["DisableLocalAuth"]?.GetValue<bool>() ?? false, "DisableLocalAuth must be true");
        var workspace = (string)BicepOutputs.Single(bicep.SnapshotT4, "Microsoft.OperationalInsights/workspaces")["id"]!;
        Assert.Equal(workspace, (string?)ai["properties"]?["WorkspaceResourceId"]);
    }

    [Fact]
    public void Container_apps_environment_logs_go_to_the_workspace_without_a_shared_key()
    {
        var env = BicepOutputs.Single(bicep.SnapshotT4, "Microsoft.App/managedEnvironments");
        Assert.Equal("azure-monitor", (string?)env["properties"]?["appLogsConfiguration"]?["destination"]);
        Assert.Null(env["properties"]?["appLogsConfiguration"]?["logAnalyticsConfiguration"]);
        var diag = BicepOutputs.Single(bicep.SnapshotT4, "Microsoft.Insights/diagnosticSettings");
        Assert.StartsWith((string)env["id"]! + "/providers/", (string)diag["id"]!);
        Assert.Equal((string)BicepOutputs.Single(bicep.SnapshotT4, "Microsoft.OperationalInsights/workspaces")["id"]!,
            (string?)diag["properties"]?["workspaceId"]);
    }
}
