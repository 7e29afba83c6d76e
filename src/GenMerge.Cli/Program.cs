using System.CommandLine;
using GenMerge.Cli.Commands;
using GenMerge.Cli.Console;
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
    ImportCommand.Create(),
    ExportCommand.Create(),
    MergeCommand.Create(),
    StatusCommand.Create(),
    ResumeCommand.Create(),
    WorkerCommand.Create(),
    DemoCommand.Create(),
    ServeCommand.Create(),
};
var parsed = root.Parse(args);
// The parser's own errors (unknown option, missing value, a --model that does not exist) are user errors
// like any other: one `genmerge: error:` line and exit 2, not its default help dump with exit 1.
return parsed.Errors.Count > 0 ? CliErrors.Report(parsed) : parsed.Invoke();
