using System.CommandLine;
using GenMerge.Cli.Commands;

var root = new RootCommand("genmerge: merge pretrained GANs into one class-conditional generator (GAN Cocktail).")
{
    TrainCommand.Create(),
    SampleCommand.Create(),
    AugmentCommand.Create(),
    EvalCommand.Create(),
    InfoCommand.Create(),
    ImportCommand.Create(),
    ExportCommand.Create(),
    MergeCommand.Create(),
    StatusCommand.Create(),
    ResumeCommand.Create(),
    DemoCommand.Create(),
};
return root.Parse(args).Invoke();
