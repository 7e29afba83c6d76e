using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GenMerge.Infra.Tests;

/// <summary>azure.yaml, main.parameters.json and the Dockerfile agree with the template and the repo.</summary>
[Collection("bicep")]
public class DeploymentFilesTests(BicepOutputs bicep)
{
    string Read(string relative) => File.ReadAllText(Path.Combine(bicep.RepoRoot, relative));

    [Fact]
    public void Every_azd_parameter_exists_in_the_template_and_required_ones_are_given()
    {
        var given = JsonNode.Parse(Read("infra/main.parameters.json"))!["parameters"]!.AsObject().Select(p => p.Key).ToHashSet();
        var declared = bicep.Template["parameters"]!.AsObject();
        foreach (var name in given)
            Assert.True(declared.ContainsKey(name), $"main.parameters.json sets '{name}', which main.bicep does not declare");
        foreach (var (name, decl) in declared)
            if (decl!["defaultValue"] == null)
                Assert.True(given.Contains(name), $"required parameter '{name}' is not set in main.parameters.json");
    }

    [Fact]
    public void Azure_yaml_api_service_builds_the_functions_project_with_the_infra_dockerfile()
    {
        var whole = Read("azure.yaml");
        var at = whole.IndexOf("\nservices:", StringComparison.Ordinal);
        Assert.True(at >= 0, "azure.yaml has no services: section");
        var yaml = whole[at..];
        string Value(string key) => Regex.Match(yaml, $@"^\s+{key}:\s*(\S+)\s*$", RegexOptions.Multiline) is { Success: true } m
            ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException($"azure.yaml has no '{key}:'");
        Assert.Matches(new Regex(@"^\s{2}api:\s*$", RegexOptions.Multiline), yaml);
        Assert.Equal("function", Value("host"));
        var project = Path.GetFullPath(Path.Combine(bicep.RepoRoot, Value("project")));
        Assert.True(File.Exists(Path.Combine(project, "GenMerge.Functions.csproj")), $"azure.yaml project {project} has no GenMerge.Functions.csproj");
        Assert.Equal(Path.Combine(bicep.RepoRoot, "infra", "Dockerfile"), Path.GetFullPath(Path.Combine(project, Value("path"))));
        Assert.Equal(bicep.RepoRoot.TrimEnd('/'), Path.GetFullPath(Path.Combine(project, Value("context"))).TrimEnd('/'));
        Assert.Contains("TORCH_DEVICE=cuda", yaml);
    }

    [Fact]
    public void Dockerfile_publishes_through_the_shared_publish_script()
    {
        var dockerfile = Read("infra/Dockerfile");
        Assert.Contains("ARG TORCH_DEVICE=cpu", dockerfile);
        Assert.Contains("bash infra/publish.sh \"${TORCH_DEVICE}\" /home/site/wwwroot", dockerfile);
        Assert.Contains("FROM runtime-${TORCH_DEVICE}", dockerfile);
        var publish = Read("infra/publish.sh");
        Assert.Contains("@infra/publish.rsp", publish);
        Assert.Contains("-p:TorchDevice=", publish);
        Assert.Contains("infra/publish.sh cpu", Read("scripts/publish-check.sh"));
    }
}
