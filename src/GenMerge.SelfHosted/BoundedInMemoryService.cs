using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.Extensions.Logging;
using IOrchestrationService = DurableTask.Core.IOrchestrationService;

namespace GenMerge.SelfHosted;

/// <summary>
/// The in-memory backend with its activity concurrency set: the sidecar's dispatcher holds one slot per activity
/// until the worker answers and sizes its slots from the backend (the processor count in memory), ignoring the
/// worker's own limit, so `--max-activities` was not a bound (two ran at once with a limit of one).
/// Re-implements that one interface member; everything else is the base class's.
/// </summary>
sealed class BoundedInMemoryService(ILoggerFactory loggerFactory, int maxConcurrentActivities)
    : InMemoryOrchestrationService(loggerFactory), IOrchestrationService
{
    int IOrchestrationService.MaxConcurrentTaskActivityWorkItems => maxConcurrentActivities;
}
