using GenMerge.Functions.Startup;
using GenMerge.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The GenMerge Durable Functions app: HTTP and blob starters (Http/, Blobs/), the pipeline's
// orchestrators and activities as explicit function wrappers (Tasks/), artifact store from settings.
var builder = FunctionsApplication.CreateBuilder(args);
// ASP.NET Core integration: HTTP functions take HttpRequest and return IActionResult.
builder.ConfigureFunctionsWebApplication();
builder.Services.AddGenMergeTelemetry(builder.Configuration);
builder.Services.AddGenMergeFunctions(builder.Configuration);
builder.Build().Run();
