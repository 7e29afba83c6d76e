using GenMerge.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

namespace GenMerge.Functions.Startup;

/// <summary>Everything Program.cs configures, in one place the tests can build too.</summary>
public static class GenMergeApp
{
    public static FunctionsApplicationBuilder Configure(FunctionsApplicationBuilder builder)
    {
        // ASP.NET Core integration: HTTP functions take HttpRequest and return IActionResult.
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddGenMergeTelemetry(builder.Configuration);
        builder.Services.AddGenMergeFunctions(builder.Configuration);
        return builder;
    }
}
