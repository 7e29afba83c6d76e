using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Requests;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using GenMerge.Pipeline.Runs;

namespace GenMerge.Api.Merges;

/// <summary>
/// Checks a merge request before any compute (schema, then that every model exists in the artifact
/// store) and starts <see cref="MergeOrchestrator"/> with the run id as its instance id.
/// Shared by the HTTP and blob starters, so both refuse the same requests with the same messages.
/// </summary>
public sealed class MergeStarter(IArtifactStore store)
{
    public IArtifactStore Store => store;

    /// <summary>Parses and validates; every problem is a <see cref="RequestException"/> naming the field.</summary>
    public async Task<MergeRequest> ValidateAsync(string? json, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(json))
            throw new RequestException("merge request: the body is empty; expected a merge request JSON object");
        MergeRequest request = MergeRequest.Parse(json);
        for (int i = 0; i < request.Models!.Count; i++)
        {
            string uri = request.Models[i].Uri!;
            if (!ArtifactNames.IsValid(uri))
            {
                string why;
                try { ArtifactNames.Validate(uri); why = ""; }
                catch (ArgumentException e) { why = e.Message; }
                throw new RequestException($"models[{i}].uri: '{uri}' is not an artifact name in the store ({why})");
            }
            if (!await store.ExistsAsync(uri, cancellationToken))
                throw new RequestException($"models[{i}].uri: '{uri}' not found in {store.Description}; upload the checkpoint there first");
        }
        return request;
    }

    /// <summary>Starts the merge under <paramref name="runId"/>; a repeated start reports the existing run.</summary>
    public Task<StartedMerge> StartAsync(DurableTaskClient client, string runId, MergeRequest request, CancellationToken cancellationToken = default) =>
        new MergeClient(client).StartAsync(runId, request, cancellationToken: cancellationToken);

    /// <summary>A fresh run id for an HTTP start: sortable by time, unique, valid as a folder and an instance id.</summary>
    public static string NewRunId() => RunIds.New();
}
