using System.CommandLine;
using GenMerge.Cli.Commands;
using GenMerge.Cli.Running;

// OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT is set; disposed (flushed) when the command returns.
using var telemetry = OtlpTelemetry.FromEnvironment();

var root = new RootCommand("genmerge: merge pretrained GANs into one class-conditional generator (GAN Cocktail).")
{
    TrainCommand.Create(),
    SampleCommand.Create(),
    AugmentCommand.Create(),
    EvalCommand.Create(),
    InfoCommand.Create(),
    MergeCommand.Create(),
    StatusCommand.Create(),
    ResumeCommand.Create(),
    DemoCommand.Create(),
};
return root.Parse(args).Invoke();
