using System.CommandLine;
using GenMerge.Cli.Console;
using GenMerge.Core.Interop;

namespace GenMerge.Cli.Commands;

/// <summary>`genmerge export`: a model for PyTorch, with stylegan2-ada-pytorch names (torch zip or plain safetensors).</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("MODEL") { Description = "Checkpoint (.safetensors, or a .pkl/.pt imported on the fly)" }.ExistingFile();
        var format = new Option<string>("--format") { Description = "pt: torch zip {G_ema, G, D, init_kwargs} for torch.load(weights_only=True); safetensors: one network's state dict", DefaultValueFactory = _ => "pt" }
            .AcceptOnlyFromAmong("pt", "safetensors");
        var network = new Option<string>("--network") { Description = "Network for --format safetensors", DefaultValueFactory = _ => "G_ema" }
            .AcceptOnlyFromAmong(TorchExport.Networks);
        var outFile = CommonOptions.Out("File to write");
        var cmd = new Command("export", "Export a stylegan2 model with stylegan2-ada-pytorch parameter names") { file, format, network, outFile };
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            using var m = ModelFiles.Open(p.GetValue(file)!.FullName);
            var target = p.GetValue(outFile)!;
            if (p.GetValue(format) == "pt") TorchExport.SavePt(m, target);
            else TorchExport.SaveSafeTensors(m, target, p.GetValue(network)!);
            System.Console.WriteLine($"wrote {target}");
            return 0;
        }));
        return cmd;
    }
}
