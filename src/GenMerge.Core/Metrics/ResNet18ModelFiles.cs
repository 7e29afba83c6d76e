namespace GenMerge.Core.Metrics;

/// <summary>
/// Where the pretrained ResNet18 ONNX files live. The NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18
/// copies them as content to <c>DnnImageModels/</c> beside the application (build and publish output).
/// GENMERGE_RESNET18_DIR overrides the folder that holds <c>ResNet18Onnx/</c> and <c>ResNetPrepOnnx/</c>.
/// </summary>
public static class ResNet18ModelFiles
{
    public const string EnvironmentVariable = "GENMERGE_RESNET18_DIR";
    public const string ModelRelativePath = "ResNet18Onnx/ResNet18.onnx";
    public const string PreprocessRelativePath = "ResNetPrepOnnx/ResNetPreprocess.onnx";

    /// <summary>The folder to use: the explicit one, else the environment override, else AppContext.BaseDirectory/DnnImageModels.</summary>
    public static string ResolveDirectory(string? directory = null)
    {
        if (!string.IsNullOrWhiteSpace(directory)) return directory;
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv)) return fromEnv;
        return Path.Combine(AppContext.BaseDirectory, "DnnImageModels");
    }

    public static (string Model, string Preprocess) Locate(string? directory = null)
    {
        var dir = ResolveDirectory(directory);
        var model = Path.Combine(dir, ModelRelativePath);
        var prep = Path.Combine(dir, PreprocessRelativePath);
        foreach (var path in new[] { model, prep })
            if (!File.Exists(path))
                throw new FileNotFoundException(
                    $"ResNet18 ONNX file not found: '{path}'. It ships in the NuGet package " +
                    "Microsoft.ML.DnnImageFeaturizer.ResNet18 (tools/DnnImageModels) and is copied to DnnImageModels/ in the " +
                    $"build/publish output of projects that reference GenMerge.Core; or set {EnvironmentVariable} to a folder " +
                    $"holding {ModelRelativePath} and {PreprocessRelativePath}.", path);
        return (model, prep);
    }
}
