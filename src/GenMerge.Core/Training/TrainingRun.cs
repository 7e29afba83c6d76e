using GenMerge.Core.Checkpoints;
using GenMerge.Core.Imaging;
using GenMerge.Core.Models;

namespace GenMerge.Core.Training;

/// <summary>Where a training run writes: the checkpoint, its optimiser sidecar and sample grids.</summary>
public sealed record TrainRunOutput(string CheckpointPath, int SnapshotEvery = 500, int GridSamples = 64)
{
    /// <summary>Adam moments beside the checkpoint, so --resume continues exactly.</summary>
    public string OptimizerPath => CheckpointPath + ".optim";
    public string GridDir => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(CheckpointPath))!,
                                          Path.GetFileNameWithoutExtension(CheckpointPath) + "-samples");
    public string GridPath(long step) => Path.Combine(GridDir, $"step-{step:D6}.png");
}

/// <summary>
/// Trains a model to a total step count with periodic snapshots (checkpoint + optimiser state +
/// sample grid). A run that is stopped loses at most one snapshot interval; resuming from the
/// snapshot continues to the same total.
/// </summary>
public static class TrainingRun
{
    public static void Run(GanModel model, ITrainingData data, TrainOptions options, TrainRunOutput output,
                           Action<TrainProgress>? progress = null, bool resumeOptimizer = false,
                           CancellationToken cancel = default)
    {
        using var trainer = new GanTrainer(model, data, options);
        if (resumeOptimizer && File.Exists(output.OptimizerPath))
        {
            using var s = File.OpenRead(output.OptimizerPath);
            trainer.LoadOptimizerState(s);
        }
        long remaining = Math.Max(0, options.Steps - trainer.Step);
        long seed = options.Seed;
        trainer.Train(remaining, progress, reportEvery: 10, afterStep: step =>
        {
            if (output.SnapshotEvery > 0 && step % output.SnapshotEvery == 0 && step < options.Steps)
                Snapshot(trainer, output, seed);
        }, cancel);
        Snapshot(trainer, output, seed);
    }

    /// <summary>Writes checkpoint, optimiser state and a G_ema grid for the current step.</summary>
    public static void Snapshot(GanTrainer trainer, TrainRunOutput output, long seed)
    {
        var model = trainer.Model;
        Checkpoint.Save(model, output.CheckpointPath);
        var tmp = output.OptimizerPath + ".tmp";
        using (var s = File.Create(tmp)) trainer.SaveOptimizerState(s);
        File.Move(tmp, output.OptimizerPath, overwrite: true);
        if (output.GridSamples > 0)
        {
            using var images = Sampling.Sample(model.GEma, output.GridSamples, seed);
            ImageGrid.Save(images, output.GridPath(trainer.Step));
        }
    }
}
