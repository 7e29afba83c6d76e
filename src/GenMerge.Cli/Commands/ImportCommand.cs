using System.CommandLine;
using GenMerge.Cli.Console;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Interop;

namespace GenMerge.Cli.Commands;

/// <summary>`genmerge import`: a stylegan2-ada-pytorch pickle or torch file to a GenMerge checkpoint, read without running anything in it.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "network-snapshot-*.pkl (stylegan2-ada-pytorch) or a torch .pt with G_ema and init_kwargs" }.ExistingFile();
        var outFile = CommonOptions.Out("GenMerge checkpoint to write (.safetensors)");
        var cmd = new Command("import", "Import a pretrained stylegan2 model (pickles are read with an allow-list; nothing in them runs)") { file, outFile };
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            var path = p.GetValue(file)!.FullName;
            using var m = StyleGan2Import.Load(path);
            var target = p.GetValue(outFile)!;
            Checkpoint.Save(m, target);
            System.Console.WriteLine($"wrote {target} ({m.Config.Family} {m.Config.Resolution}x{m.Config.Resolution}, c_dim {m.Config.CDim}, from {m.Provenance.Notes["import_format"]})");
            return 0;
        }));
        return cmd;
    }
}
