using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using GenMerge.Cli.Console;
using GenMerge.Core;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Evaluation;
using GenMerge.Core.Metrics;

namespace GenMerge.Cli.Commands;

/// <summary>`genmerge eval`: FID-R18 / KID-R18 of a model (or one class of it) against a reference.</summary>
public static class EvalCommand
{
    public sealed record EvalOutput(
        [property: JsonPropertyName("model")] string Model,
        [property: JsonPropertyName("class")] int? Class,
        [property: JsonPropertyName("reference")] string Reference,
        [property: JsonPropertyName("n")] int N,
        [property: JsonPropertyName("fid_r18")] double FidR18,
        [property: JsonPropertyName("kid_r18")] double KidR18,
        [property: JsonPropertyName("kid_r18_std")] double KidR18Std,
        [property: JsonPropertyName("seconds")] double Seconds);

    public static Command Create()
    {
        var model = CommonOptions.Model();
        var cls = CommonOptions.Class();
        var reference = new Option<string>("--reference")
        {
            Description = "What to compare with: domain:NAME (built-in), a folder of images, or model:FILE[#class]",
            Required = true,
        };
        var n = CommonOptions.Count(500);
        n.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 2) r.AddError("--n must be at least 2"); });
        var seed = CommonOptions.Seed();
        var outFile = CommonOptions.Out("JSON file to write (fid_r18, kid_r18, n, reference)");
        var cmd = new Command("eval", "Measure FID-R18 and KID-R18 (ResNet18 features, not Inception) against a reference")
        {
            model, cls, reference, n, seed, outFile,
        };
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var path = p.GetValue(model)!.FullName;
            using var m = GenMerge.Core.Interop.ModelFiles.Open(path, Device.Default);
            var refSpec = ReferenceSpec.Parse(p.GetValue(reference)!, m.Config.Resolution);
            int count = p.GetValue(n);
            long s = p.GetValue(seed);
            int? k = p.GetValue(cls);
            if (k is not null) Sampling.Sample(m.GEma, 1, s, k).Dispose(); // validates --class before the slow part
            using var ev = new Evaluator();
            var result = ProgressView.Run("eval", 2, report =>
            {
                using var a = ev.Features(Samplers.Of(m.GEma, s, k), count);
                report(1, "model features");
                using var b = ev.Features(Samplers.Of(refSpec, s + 1), count);
                report(2, "reference features");
                return ev.Compare(a, b, refSpec.Spec);
            });
            var output = new EvalOutput(path, k, refSpec.Spec, count, result.FidR18, result.KidR18, result.KidR18Std,
                                        Math.Round(clock.Elapsed.TotalSeconds, 2));
            var outPath = p.GetValue(outFile)!;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
            File.WriteAllText(outPath, JsonSerializer.Serialize(output, new JsonSerializerOptions { WriteIndented = true }));
            var ci = CultureInfo.InvariantCulture;
            System.Console.WriteLine("| model | class | reference | n | FID-R18 | KID-R18 |");
            System.Console.WriteLine("|---|---|---|---|---|---|");
            System.Console.WriteLine(string.Format(ci, "| {0} | {1} | {2} | {3} | {4:F2} | {5:F4} ± {6:F4} |",
                Path.GetFileName(path), k?.ToString(ci) ?? "all", refSpec.Spec, count, result.FidR18, result.KidR18, result.KidR18Std));
            System.Console.WriteLine($"wrote {outPath}");
            return 0;
        }));
        return cmd;
    }
}
