using GenMerge.Core.Checkpoints;
using GenMerge.Core.Merging;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Requests;
using GenMerge.Pipeline.Storage;
using Microsoft.DurableTask;

namespace GenMerge.Pipeline.Activities;

/// <summary>
/// Checks, before any compute, that every source checkpoint exists, loads, and matches the others;
/// records the request in the run folder.
/// </summary>
public sealed class ValidateSourcesActivity(IArtifactStore store) : TorchActivity<MergeRunInput, List<SourceInfo>>
{
    protected override async Task<List<SourceInfo>> RunOnTorchThreadAsync(TaskActivityContext context, MergeRunInput input)
    {
        var req = input.Request.Validate();
        var run = new RunArtifacts(store, input.RunId);
        await run.WriteTextAsync(run.Request, req.ToJson());
        var infos = new List<SourceInfo>();
        for (int i = 0; i < req.Models!.Count; i++)
        {
            var m = req.Models[i];
            if (!await store.ExistsAsync(m.Uri!))
                throw new RequestException($"models[{i}].uri: '{m.Uri}' not found in {store.Description}");
            try
            {
                // Read once: the same bytes are hashed and loaded.
                var bytes = new MemoryStream();
                await using (var s = await store.OpenReadAsync(m.Uri!)) await s.CopyToAsync(bytes);
                bytes.Position = 0;
                var (_, sha) = await ContentHasher.HashAsync(bytes);
                bytes.Position = 0;
                using var model = Checkpoint.Load(bytes, Core.Device.Default, source: m.Uri);
                var (g, d) = Conditioning.ParameterCounts(model);
                if (model.Config.CDim > 1 && m.Reference is not null)
                    throw new RequestException($"models[{i}].reference: {m.Name} has {model.Config.CDim} classes and a reference is one domain; " +
                                               "leave it out (each class is scored against held-out samples of that class)");
                infos.Add(new SourceInfo(m.Name!, m.Uri!, sha, model.Config, g, d, model.ClassNames));
            }
            catch (CheckpointException e)
            {
                throw new RequestException($"models[{i}].uri: {e.Message}");
            }
        }
        try
        {
            SourceCheck.Classes(infos.Select(s => s.Config).ToList(), infos.Select(s => s.Name).ToList(),
                                infos.Select(s => s.ClassNames).ToList());
            Core.Training.FreezeDiscriminator.Check(req.Settings.FreezeD, infos[0].Config.Resolution);
            req.Settings.DistillWeights(SourceClasses.Of(infos).Select(c => c.Name).ToList());
        }
        catch (ArgumentException e) { throw new RequestException(e.Message); }
        return infos;
    }
}
