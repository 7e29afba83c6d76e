using System.CommandLine;
using System.Text.Json;
using GenMerge.Cli.Console;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Merging;

namespace GenMerge.Cli.Commands;

/// <summary>`genmerge info`: what a checkpoint holds.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "Checkpoint (.safetensors, or a .pkl/.pt imported on the fly)" }.ExistingFile();
        var cmd = new Command("info", "Show a checkpoint's config, classes, parameter counts and provenance") { file };
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            var path = p.GetValue(file)!.FullName;
            using var m = GenMerge.Core.Interop.ModelFiles.Open(path);
            var json = new JsonSerializerOptions { WriteIndented = true };
            var (g, d) = Conditioning.ParameterCounts(m);
            System.Console.WriteLine($"file:        {path}");
            System.Console.WriteLine($"sha256:      {Checkpoint.Sha256(path)}");
            System.Console.WriteLine($"family:      {m.Config.Family}  {m.Config.Resolution}x{m.Config.Resolution}  c_dim {m.Config.CDim}");
            System.Console.WriteLine($"classes:     {(m.ClassNames.Count == 0 ? "(unconditional)" : string.Join(", ", m.ClassNames))}");
            System.Console.WriteLine($"parameters:  G {g:N0}  D {d:N0}  (G_ema mirrors G)");
            System.Console.WriteLine($"config:      {JsonSerializer.Serialize(m.Config)}");
            System.Console.WriteLine($"provenance:  {JsonSerializer.Serialize(m.Provenance, json)}");
            return 0;
        }));
        return cmd;
    }
}
