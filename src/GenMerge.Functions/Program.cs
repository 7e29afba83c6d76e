using GenMerge.Functions.Startup;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The GenMerge Durable Functions app: HTTP and blob starters (Http/, Blobs/), the pipeline's
// orchestrators and activities as explicit function wrappers (Tasks/), artifact store from settings.
GenMergeApp.Configure(FunctionsApplication.CreateBuilder(args)).Build().Run();
