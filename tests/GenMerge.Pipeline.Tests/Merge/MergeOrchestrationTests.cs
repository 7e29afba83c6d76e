using GenMerge.Core.Evaluation;
using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using GenMerge.Pipeline.Activities;
using GenMerge.Pipeline.Orchestration;
using GenMerge.Pipeline.Requests;
using GenMerge.Pipeline.Storage;
using GenMerge.SelfHosted;

namespace GenMerge.Pipeline.Tests.Merge;

/// <summary>The whole merge orchestration in the in-process Durable host on tiny 16x16 models.</summary>
public class MergeOrchestrationTests
{
    [Theory]
    [InlineData(ModelConfig.Compact, MergeMethod.Cocktail)]
    [InlineData(ModelConfig.StyleGan2, MergeMethod.Cocktail)]
    [InlineData(ModelConfig.Compact, MergeMethod.Union)]
    public async Task A_merge_runs_end_to_end_and_writes_a_parseable_report(string family, string method)
    {
        using var t = new TinyMerge(family: family);
        var runner = new LocalMergeRunner(t.Store, durableConnection: null);
        var status = await runner.RunAsync("run1", t.Request(method).With(s => s with { Lr = 0.0015 }));
        Assert.True(status.State == "Completed", status.Describe());

        var run = new RunArtifacts(t.Store, "run1");
        var report = MergeReport.FromJson(await t.Store.ReadTextAsync(run.ReportJson));
        Assert.Equal(method, report.Method);
        // The training settings the numbers came from: the request's lr, the heuristic R1 weight (16 px, batch 8).
        Assert.Equal(0.0015, report.Lr);
        Assert.Null(report.FinalLr); // constant unless asked
        Assert.Null(report.Selection); // the last checkpoint unless asked
        Assert.Equal(0.0002 * 16 * 16 / 8, report.R1Gamma, 12);
        // G_ema: union starts at random (stylegan2-ada's ramp-up); the others from trained weights (a sixth of the job).
        bool union = method == MergeMethod.Union;
        Assert.Equal(union ? 10 : report.FinetuneSteps * 8 / 6000.0, report.EmaKimg!.Value, 12);
        Assert.Equal(union ? 0.05 : 0, report.EmaRampup);
        Assert.Equal(new[] { "rings", "squares" }, report.Domains.Select(d => d.Name));
        // The in-process host is the one worker of every stage that ran.
        Assert.NotNull(report.Workers);
        Assert.Contains("validate", report.Workers.Keys);
        Assert.Contains("report", report.Workers.Keys);
        Assert.All(report.Workers.Values, ids => Assert.Equal(new[] { LocalMergeRunner.InProcessWorkerId }, ids));
        // ... and the report says what it computed on: this process's device and, on CPU, oneDNN's state.
        Assert.Equal(new Dictionary<string, string> { [LocalMergeRunner.InProcessWorkerId] = GenMerge.Core.Device.Describe() }, report.Compute);
        Assert.All(report.Domains, d =>
        {
            Assert.True(double.IsFinite(d.FidR18) && d.FidR18 >= 0, $"fid {d.FidR18}");
            Assert.InRange(d.Accuracy, 0, 1);
            Assert.Equal($"domain:{d.Name}", d.Reference);
        });
        // The merged model is one source model plus the class embeddings, nothing more.
        var (addG, addD) = Conditioning.AddedParameterCounts(t.Config, 2);
        Assert.Equal(report.Parameters.Source + addG + addD, report.Parameters.Merged);
        var markdown = await t.Store.ReadTextAsync(run.ReportMarkdown);
        Assert.Contains("| rings |", markdown);
        Assert.Contains($"Computed on: {LocalMergeRunner.InProcessWorkerId}: {GenMerge.Core.Device.Describe()}.", markdown);
        Assert.Contains($"(lr 0.0015, R1 gamma 0.0064, G_ema half-life {report.EmaKimg.Value.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)} kimg{(union ? " ramped up" : "")}, data shards, 40 per class)", markdown);
        Assert.True(await t.Store.ExistsAsync(run.Merged));
        Assert.True(await t.Store.ExistsAsync(run.At("grids/merged.png")));
        Assert.True(await t.Store.ExistsAsync(run.At("grids/interp-rings-squares.png")));
        // Style mixing needs per-layer styles: stylegan2 only.
        bool mixing = family == ModelConfig.StyleGan2;
        Assert.Equal(mixing, await t.Store.ExistsAsync(run.At("grids/style-mix-rings-squares.png")));
        Assert.Equal(mixing, report.Images!.Values.Contains("grids/style-mix-rings-squares.png"));
        var manifest = await run.ReadManifestAsync();
        Assert.Equal(64, manifest.Find(run.Merged)?.Sha256.Length);
        Assert.Equal("Completed", (await runner.StatusAsync("run1")).State);
        if (method == MergeMethod.Cocktail)
        {
            Assert.True(await t.Store.ExistsAsync(run.At("rooted/squares/seg-002.safetensors")));
            Assert.NotNull(report.WeightDistance);
            Assert.True(report.WeightDistance["squares"].After > 1e-3, $"rooting moved G by {report.WeightDistance["squares"].After}");
            Assert.Equal(0.0015, report.RootingLr);
        }
        else Assert.Null(report.RootingLr);
    }

    [Fact]
    public async Task The_rooting_lr_drives_the_rooting_steps_and_the_final_lr_is_reported()
    {
        using var t = new TinyMerge();
        var runner = new LocalMergeRunner(t.Store, durableConnection: null);
        var status = await runner.RunAsync("rl", t.Request().With(s => s with { RootingLr = 1e-12, FinalLr = 0.0001 }));
        Assert.True(status.State == "Completed", status.Describe());
        var run = new RunArtifacts(t.Store, "rl");
        var report = MergeReport.FromJson(await t.Store.ReadTextAsync(run.ReportJson));
        Assert.Equal(1e-12, report.RootingLr);
        Assert.Equal(0.002, report.Lr);
        // A vanishing rooting lr leaves the rooted copy where the root is.
        var d = report.WeightDistance!["squares"];
        Assert.True(d.Before > 0.1 && d.After < 1e-6, $"before {d.Before}, after {d.After}");
        Assert.Equal(0.0001, report.FinalLr);
        Assert.Contains("rooting 3 steps (lr 1E-12), fine-tuning 3 steps (lr 0.002 cosine to 0.0001, R1", await t.Store.ReadTextAsync(run.ReportMarkdown));
    }

    [Fact]
    public async Task Freeze_d_keeps_the_roots_first_D_block_through_the_merge_and_is_reported()
    {
        using var t = new TinyMerge();
        var runner = new LocalMergeRunner(t.Store, durableConnection: null);
        var status = await runner.RunAsync("fd", t.Request(MergeMethod.Transfer).With(s => s with { FreezeD = 1 }));
        Assert.True(status.State == "Completed", status.Describe());
        var run = new RunArtifacts(t.Store, "fd");
        var report = MergeReport.FromJson(await t.Store.ReadTextAsync(run.ReportJson));
        Assert.Equal(1, report.FreezeD);
        Assert.Contains("Freeze-D: D's first 1 block fixed", await t.Store.ReadTextAsync(run.ReportMarkdown));
        // Transfer fine-tunes the root (rings): the merged D's b16 is the root's, bit for bit; b8 trained.
        using var root = GenMerge.Core.Checkpoints.Checkpoint.Load(t.Files[0]);
        using var merged = GenMerge.Core.Checkpoints.Checkpoint.Load(t.Store.Locate(run.Merged));
        var r = root.D.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        var m = merged.D.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        Assert.All(r.Keys.Where(k => k.StartsWith("b16.")), k => Assert.True(m[k].equal(r[k]).all().item<bool>(), k));
        Assert.Contains(r.Keys.Where(k => k.StartsWith("b8.")), k => !m[k].equal(r[k]).all().item<bool>());
    }

    [Fact]
    public async Task Augmentation_reaches_every_training_job_and_is_reported()
    {
        using var t = new TinyMerge();
        var status = await new LocalMergeRunner(t.Store, null).RunAsync("aug", t.Request().With(s => s with { Augment = "fixed", AugmentP = 0.5 }));
        Assert.True(status.State == "Completed", status.Describe());
        var run = new RunArtifacts(t.Store, "aug");
        var report = MergeReport.FromJson(await t.Store.ReadTextAsync(run.ReportJson));
        Assert.Equal("fixed p 0.5", report.Aug);
        Assert.Contains("D augmentation fixed p 0.5", await t.Store.ReadTextAsync(run.ReportMarkdown));
        // Every segment of the rooting and of the fine-tuning trained with D's inputs augmented at p = 0.5.
        var segments = (await t.Store.ListAsync("runs/aug/")).Where(n => n.EndsWith(".safetensors.json")).ToList();
        Assert.Contains(segments, n => n.Contains("/rooted/"));
        Assert.Contains(segments, n => n.Contains("/finetune/"));
        foreach (var s in segments)
            Assert.Equal(0.5, (await t.Store.ReadJsonAsync<GenMerge.Pipeline.Orchestration.SegmentResult>(s)).AugmentP);
    }

    [Fact]
    public async Task Best_selection_scores_every_fine_tuning_checkpoint_and_publishes_the_picked_one()
    {
        using var t = new TinyMerge();
        var status = await new LocalMergeRunner(t.Store, null).RunAsync("sel", t.Request().With(s => s with { Select = "best", MergeSteps = 5 }));
        Assert.True(status.State == "Completed", status.Describe());
        var run = new RunArtifacts(t.Store, "sel");
        var report = MergeReport.FromJson(await t.Store.ReadTextAsync(run.ReportJson));
        var sel = report.Selection!;
        // Segments of 2 steps: checkpoints after 2, 4 and 5 steps, each scored on both domains.
        Assert.Equal(new long[] { 2, 4, 5 }, sel.Candidates.Select(c => c.Step));
        Assert.Equal(5, sel.LastStep);
        Assert.Equal(new[] { "rings", "squares" }, sel.FloorFidR18.Keys.Order());
        Assert.All(sel.Candidates, c =>
        {
            Assert.All(c.FidR18.Values, f => Assert.True(double.IsFinite(f) && f >= 0, $"fid {f}"));
            Assert.Equal(c.FidR18.Max(kv => kv.Value / sel.FloorFidR18[kv.Key]), c.WorstRatio, 9);
            // Each checkpoint's domain accuracy per class, for the quality-vs-steps curves.
            Assert.Equal(new[] { "rings", "squares" }, c.Accuracy!.Keys.Order());
            Assert.All(c.Accuracy.Values, a => Assert.InRange(a, 0, 1));
        });
        var picked = sel.Candidates.Last(c => c.WorstRatio == sel.Candidates.Min(x => x.WorstRatio));
        Assert.Equal(picked.Step, sel.PickedStep);
        // What was published (and evaluated) is that checkpoint, byte for byte.
        var segment = run.At($"finetune/seg-{(picked.Step + 1) / 2:D3}.safetensors");
        Assert.Equal(File.ReadAllBytes(t.Store.Locate(segment)), File.ReadAllBytes(t.Store.Locate(run.Merged)));
        Assert.True(report.TimingsS.ContainsKey("select"));
        var markdown = await t.Store.ReadTextAsync(run.ReportMarkdown);
        Assert.Contains($"Published the fine-tuning checkpoint after {picked.Step} of 5 steps", markdown);
        Assert.Contains($"| **{picked.Step}** |", markdown);
        Assert.Contains("| worst ratio | lowest accuracy |", markdown);
    }

    [Fact]
    public async Task Freeze_d_beyond_Ds_blocks_fails_in_validation_before_any_shard_is_sampled()
    {
        using var t = new TinyMerge();
        var status = await new LocalMergeRunner(t.Store, null).RunAsync("fd3", t.Request().With(s => s with { FreezeD = 3 }));
        Assert.Equal("Failed", status.State);
        Assert.Contains("freeze_d: 3 blocks, but a 16 px D has 2", status.Failure);
        Assert.Empty(await t.Store.ListAsync("runs/fd3/shards/"));
    }

    [Fact]
    public async Task Live_data_samples_the_sources_per_step_deterministically_and_a_lost_segment_retrains_the_same()
    {
        using var t = new TinyMerge();
        var runner = new LocalMergeRunner(t.Store, durableConnection: null);
        var req = t.Request().With(s => s with { Data = DataModes.Live, Distill = 1, DistillFeatures = 0.5 });
        foreach (var id in new[] { "live1", "live2" })
        {
            var status = await runner.RunAsync(id, req);
            Assert.True(status.State == "Completed", status.Describe());
        }
        var run = new RunArtifacts(t.Store, "live1");
        Assert.Empty(await t.Store.ListAsync(run.Root + "/shards/"));
        var report = MergeReport.FromJson(await t.Store.ReadTextAsync(run.ReportJson));
        Assert.Equal("live", report.Data);
        Assert.Equal("pixels 1 (lap1), D features 0.5 (lap1)", report.Distill);
        using (var seg = await ModelArtifacts.LoadAsync(t.Store, run.JobSegment("rooted/squares", 1)))
        {
            Assert.StartsWith("live:", seg.Provenance.Data);
            Assert.Contains("squares", seg.Provenance.Data);
        }

        // The same seed trains the same weights; another seed does not.
        var last = run.JobSegment("finetune", 2);
        Assert.True(await SameG(t.Store, last, new RunArtifacts(t.Store, "live2").JobSegment("finetune", 2)), "two live runs of one seed differ");
        Assert.Equal("Completed", (await runner.RunAsync("live3", req.With(s => s with { Seed = 4 }))).State);
        Assert.False(await SameG(t.Store, last, new RunArtifacts(t.Store, "live3").JobSegment("finetune", 2)), "another seed trained the same weights");

        // A crash that lost the last fine-tuning segment: resume trains it again from the one before, to the same weights.
        foreach (var suffix in new[] { "", ".json", ".optim" }) Assert.True(await t.Store.DeleteAsync(last + suffix));
        Assert.Equal("Completed", (await runner.ResumeAsync("live1")).State);
        Assert.True(await SameG(t.Store, last, new RunArtifacts(t.Store, "live2").JobSegment("finetune", 2)), "the retrained segment differs");
    }

    internal static async Task<bool> SameG(IArtifactStore store, string a, string b)
    {
        using var x = await ModelArtifacts.LoadAsync(store, a);
        using var y = await ModelArtifacts.LoadAsync(store, b);
        return x.G.parameters().Zip(y.G.parameters()).All(p => p.First.allclose(p.Second, 0, 0))
            && x.GEma.parameters().Zip(y.GEma.parameters()).All(p => p.First.allclose(p.Second, 0, 0));
    }

    [Fact]
    public async Task Resuming_a_finished_run_reuses_every_segment()
    {
        using var t = new TinyMerge();
        var runner = new LocalMergeRunner(t.Store, durableConnection: null);
        Assert.Equal("Completed", (await runner.RunAsync("r", t.Request())).State);
        var run = new RunArtifacts(t.Store, "r");
        var seg = run.At("finetune/seg-001.safetensors");
        var before = File.GetLastWriteTimeUtc(t.Store.Locate(seg));
        // A new in-memory host knows nothing of the run: resume restarts the orchestration from
        // request.json and the idempotent activities find their outputs.
        Assert.Equal("Completed", (await runner.ResumeAsync("r")).State);
        Assert.Equal(before, File.GetLastWriteTimeUtc(t.Store.Locate(seg)));
    }

    [Theory]
    [InlineData(ModelConfig.Compact)]
    [InlineData(ModelConfig.StyleGan2)]
    public async Task One_class_sources_merge_into_a_model_with_one_class_per_source(string family)
    {
        // GAN Cocktail's own sources are conditional with c_dim 1: each is one domain, sampled and rooted at class 0.
        using var t = new TinyMerge(family: family, cDim: 1);
        var runner = new LocalMergeRunner(t.Store, durableConnection: null);
        var status = await runner.RunAsync("one", t.Request());
        Assert.True(status.State == "Completed", status.Describe());
        var run = new RunArtifacts(t.Store, "one");
        var bytes = new MemoryStream();
        await using (var s = await t.Store.OpenReadAsync(run.Merged)) await s.CopyToAsync(bytes);
        bytes.Position = 0;
        using (var merged = GenMerge.Core.Checkpoints.Checkpoint.Load(bytes, GenMerge.Core.Device.Default, source: run.Merged))
            Assert.Equal(2, merged.Config.CDim);
        var report = MergeReport.FromJson(await t.Store.ReadTextAsync(run.ReportJson));
        var (addG, addD) = Conditioning.AddedParameterCounts(t.Config, 2);
        Assert.Equal(report.Parameters.Source + addG + addD, report.Parameters.Merged);
    }

    /// <summary>A two-class model (rings, squares) as models/merged.safetensors and a one-domain stripes source beside it.</summary>
    static async Task<MergeRequest> IncrementalAsync(TinyMerge t, int stripesCDim = 0, string[]? classNames = null)
    {
        foreach (var (name, cDim, names, seed) in new[] { ("merged", 2, classNames ?? ["rings", "squares"], 7), ("stripes", stripesCDim, null, 8) })
        {
            using var m = GanModel.Create(t.Config with { CDim = cDim }, seed, names);
            var path = Path.Combine(t.Root, $"{name}.safetensors");
            GenMerge.Core.Checkpoints.Checkpoint.Save(m, path);
            await t.Store.UploadFileAsync($"models/{name}.safetensors", path);
        }
        return t.Request() with
        {
            Models = [new ModelRef { Name = "merged", Uri = "models/merged.safetensors" },
                      new ModelRef { Name = "stripes", Uri = "models/stripes.safetensors", Reference = "domain:stripes" }],
        };
    }

    [Theory]
    [InlineData(ModelConfig.Compact, 0)]
    [InlineData(ModelConfig.Compact, 1)]
    public async Task A_two_class_model_and_one_new_source_merge_into_three_classes_each_evaluated(string family, int stripesCDim)
    {
        using var t = new TinyMerge(models: 0, family: family);
        var req = await IncrementalAsync(t, stripesCDim);
        var status = await new LocalMergeRunner(t.Store, durableConnection: null).RunAsync("inc", req);
        Assert.True(status.State == "Completed", status.Describe());
        var run = new RunArtifacts(t.Store, "inc");
        var bytes = new MemoryStream();
        await using (var s = await t.Store.OpenReadAsync(run.Merged)) await s.CopyToAsync(bytes);
        bytes.Position = 0;
        using (var merged = GenMerge.Core.Checkpoints.Checkpoint.Load(bytes, GenMerge.Core.Device.Default, source: run.Merged))
        {
            Assert.Equal(3, merged.Config.CDim);
            Assert.Equal(["rings", "squares", "stripes"], merged.ClassNames);
        }
        // Shards per class (the two-class source sampled at each of its classes), the root conditioned with all 3 classes
        // first, the new source rooted from it.
        foreach (var c in new[] { "rings", "squares", "stripes" }) Assert.True(await t.Store.ExistsAsync(run.Shard(c, 0)), c);
        Assert.True(await t.Store.ExistsAsync(run.At("conditional/merged.safetensors")));
        Assert.True(await t.Store.ExistsAsync(run.At("rooted/stripes/seg-002.safetensors")));
        var report = MergeReport.FromJson(await t.Store.ReadTextAsync(run.ReportJson));
        Assert.Equal(["rings", "squares", "stripes"], report.Domains.Select(d => d.Name));
        Assert.Equal([0, 1, 2], report.Domains.Select(d => d.Class));
        Assert.Equal(["held-out samples of source class 0", "held-out samples of source class 1", "domain:stripes"],
                     report.Domains.Select(d => d.Reference));
        Assert.All(report.Domains, d => Assert.True(double.IsFinite(d.FidR18) && double.IsFinite(d.SourceFidR18), d.Name));
        Assert.Equal("merged", report.Root);
        Assert.True(report.WeightDistance!["stripes"].After > 1e-3);
        // The merged model is the two-class model plus one more class's columns.
        var (addG, addD) = Conditioning.AddedParameterCounts(t.Config with { CDim = 2 }, 3);
        Assert.Equal(report.Parameters.Source + addG + addD, report.Parameters.Merged);
        Assert.Contains("| stripes |", await t.Store.ReadTextAsync(run.ReportMarkdown));
    }

    [Fact]
    public async Task A_multi_class_source_after_an_unconditional_root_is_rooted_on_all_its_classes()
    {
        using var t = new TinyMerge(models: 0);
        var req = await IncrementalAsync(t);
        req = req with { Models = [req.Models![1], req.Models[0]] };
        var status = await new LocalMergeRunner(t.Store, durableConnection: null).RunAsync("swap", req);
        Assert.True(status.State == "Completed", status.Describe());
        var run = new RunArtifacts(t.Store, "swap");
        var report = MergeReport.FromJson(await t.Store.ReadTextAsync(run.ReportJson));
        Assert.Equal(["stripes", "rings", "squares"], report.Domains.Select(d => d.Name));
        Assert.Equal("stripes", report.Root);
        Assert.True(await t.Store.ExistsAsync(run.At("conditional/stripes.safetensors")));
        // The two-class source's chain trained one conditioned copy of the root on both its classes, at merged indices 1 and 2.
        var bytes = new MemoryStream();
        await using (var s = await t.Store.OpenReadAsync(run.At("rooted/merged/seg-002.safetensors"))) await s.CopyToAsync(bytes);
        bytes.Position = 0;
        using var rooted = GenMerge.Core.Checkpoints.Checkpoint.Load(bytes, GenMerge.Core.Device.Default, source: "rooted");
        Assert.Equal(3, rooted.Config.CDim);
        Assert.Equal($"{run.Shard("rings", 0)},{run.Shard("squares", 0)}", rooted.Provenance.Data);
    }

    [Fact]
    public async Task Duplicate_class_names_and_a_reference_on_a_multi_class_source_fail_in_validation()
    {
        using var t = new TinyMerge(models: 0);
        var req = await IncrementalAsync(t, classNames: ["rings", "stripes"]);
        var dup = await new LocalMergeRunner(t.Store, durableConnection: null).RunAsync("dup", req);
        Assert.Equal("Failed", dup.State);
        Assert.Contains("the class name 'stripes' is given by merged (class 1) and stripes", dup.Failure);

        var withRef = (await IncrementalAsync(t)) with { };
        withRef = withRef with { Models = [withRef.Models![0] with { Reference = "domain:rings" }, withRef.Models[1]] };
        var refused = await new LocalMergeRunner(t.Store, durableConnection: null).RunAsync("ref", withRef);
        Assert.Equal("Failed", refused.State);
        Assert.Contains("models[0].reference: merged has 2 classes", refused.Failure);
        Assert.Empty(await t.Store.ListAsync("runs/ref/shards/"));
    }

    /// <summary>The squares source replaced by a model of <paramref name="other"/>: the run fails naming it, before any shard.</summary>
    static async Task FailsInValidation(TinyMerge t, ModelConfig other, string expected)
    {
        using (var model = GanModel.Create(other, 5))
        {
            var path = Path.Combine(t.Root, "other.safetensors");
            GenMerge.Core.Checkpoints.Checkpoint.Save(model, path);
            await t.Store.UploadFileAsync("models/squares.safetensors", path);
        }
        var status = await new LocalMergeRunner(t.Store, durableConnection: null).RunAsync("bad", t.Request());
        Assert.Equal("Failed", status.State);
        Assert.Contains(expected, status.Failure);
        Assert.Empty(await t.Store.ListAsync("runs/bad/shards/"));
    }

    [Fact]
    public async Task Incompatible_models_fail_in_validation_before_any_shard_is_sampled()
    {
        using var t = new TinyMerge();
        await FailsInValidation(t, t.Config with { ZDim = 8 }, "z_dim: 16 vs 8");
    }

    [Fact]
    public async Task A_missing_model_blob_is_named()
    {
        using var t = new TinyMerge();
        var req = t.Request() with { Models = t.Request().Models!.Select((m, i) => i == 1 ? m with { Uri = "models/nope.safetensors" } : m).ToList() };
        var status = await new LocalMergeRunner(t.Store, null).RunAsync("missing", req);
        Assert.Equal("Failed", status.State);
        Assert.Contains("models[1].uri: 'models/nope.safetensors' not found", status.Failure);
    }
}
