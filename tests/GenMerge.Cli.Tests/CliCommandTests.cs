using System.Text.Json;

namespace GenMerge.Cli.Tests;

/// <summary>The command-line contract: commands, outputs and one-line errors with non-zero exits.</summary>
public class CliCommandTests : IClassFixture<CliCommandTests.TrainedModel>
{
    /// <summary>One tiny model trained once for the class: train itself is under test here.</summary>
    public sealed class TrainedModel : IDisposable
    {
        public TrainedModel()
        {
            Cli = new CliRunner();
            Train = Cli.Run("train", "--domain", "rings", "--resolution", "16", "--steps", "4", "--batch", "8",
                            "--snapshot-every", "2", "--out", Cli.PathOf("rings.safetensors"));
        }
        public CliRunner Cli { get; }
        public CliRunner.Result Train { get; }
        public string Model => Cli.PathOf("rings.safetensors");
        public void Dispose() => Cli.Dispose();
    }

    readonly TrainedModel m;
    public CliCommandTests(TrainedModel m) => this.m = m;

    [Fact]
    public void Train_writes_a_checkpoint_snapshots_and_sample_grids()
    {
        Assert.True(m.Train.ExitCode == 0, m.Train.ToString());
        Assert.True(File.Exists(m.Model));
        Assert.True(File.Exists(m.Model + ".optim"));
        Assert.True(File.Exists(m.Cli.PathOf("rings-samples/step-000002.png")));
        Assert.True(File.Exists(m.Cli.PathOf("rings-samples/step-000004.png")));
        // What it trains on, before the first step: with oneDNN off a CPU trains at about half the speed.
        Assert.Matches(@"(?m)^computing on cpu, \d+ threads, oneDNN: (on|off|not checked)", m.Train.Stdout);
    }

    [Fact]
    public void Train_channel_base_sets_the_width()
    {
        var r = m.Cli.Run("train", "--domain", "rings", "--resolution", "16", "--steps", "1", "--batch", "4", "--channel-base", "32",
                          "--snapshot-every", "0", "--out", m.Cli.PathOf("wide.safetensors"));
        Assert.True(r.ExitCode == 0, r.ToString());
        var info = m.Cli.Run("info", m.Cli.PathOf("wide.safetensors"));
        Assert.Contains("\"channel_base\":32", info.Stdout);
        // Twice the width at full resolution: more parameters than the default-width model of the fixture.
        static long G(string stdout) => long.Parse(System.Text.RegularExpressions.Regex.Match(stdout, @"G ([\d,]+)").Groups[1].Value.Replace(",", ""));
        Assert.True(G(info.Stdout) > G(m.Cli.Run("info", m.Model).Stdout), info.Stdout);
    }

    [Fact]
    public void Info_shows_config_parameters_and_provenance()
    {
        var r = m.Cli.Run("info", m.Model);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("compact  16x16  c_dim 0", r.Stdout);
        Assert.Contains("\"data\": \"domain:rings\"", r.Stdout);
        Assert.Contains("\"steps\": 4", r.Stdout);
    }

    [Fact]
    public void Eval_writes_json_with_the_contract_fields()
    {
        var r = m.Cli.Run("eval", "--model", m.Model, "--reference", "domain:rings", "--n", "8", "--out", m.Cli.PathOf("eval.json"));
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(m.Cli.PathOf("eval.json")));
        Assert.True(doc.RootElement.GetProperty("fid_r18").GetDouble() > 0);
        Assert.True(doc.RootElement.TryGetProperty("kid_r18", out _));
        Assert.Equal(8, doc.RootElement.GetProperty("n").GetInt32());
        Assert.Equal("domain:rings", doc.RootElement.GetProperty("reference").GetString());
        Assert.Contains("| FID-R18 |", r.Stdout);
    }

    [Fact]
    public void Sample_writes_a_png()
    {
        var r = m.Cli.Run("sample", "--model", m.Model, "--n", "4", "--out", m.Cli.PathOf("s.png"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(0x89, File.ReadAllBytes(m.Cli.PathOf("s.png"))[0]);
    }

    [Fact]
    public void Augment_writes_the_images_over_their_augmented_copies()
    {
        // 3 images of 16 px upscaled 6x, 1 + 2 rows, 2 px padding: 3 * 96 + 4 * 2 = 296 square.
        var r = m.Cli.Run("augment", "--domain", "rings", "--resolution", "16", "--aug-pipe", "bgc", "--p", "1", "--n", "3", "--rows", "2",
            "--out", m.Cli.PathOf("aug.png"));
        Assert.True(r.ExitCode == 0, r.ToString());
        using var grid = SkiaSharp.SKBitmap.Decode(m.Cli.PathOf("aug.png"));
        Assert.Equal((296, 296), (grid.Width, grid.Height));
        // Each tile's centre pixel: at p = 1 the copies differ from the image above them; at p = 0 they are equal.
        SkiaSharp.SKColor Centre(SkiaSharp.SKBitmap g, int row, int col) => g.GetPixel(2 + col * 98 + 48, 2 + row * 98 + 48);
        Assert.Contains(Enumerable.Range(0, 3), c => Centre(grid, 1, c) != Centre(grid, 0, c) || Centre(grid, 2, c) != Centre(grid, 0, c));
        r = m.Cli.Run("augment", "--domain", "rings", "--resolution", "16", "--aug-pipe", "bgc", "--p", "0", "--n", "3", "--rows", "2",
            "--out", m.Cli.PathOf("aug0.png"));
        Assert.True(r.ExitCode == 0, r.ToString());
        using var same = SkiaSharp.SKBitmap.Decode(m.Cli.PathOf("aug0.png"));
        for (int y = 0; y < 98; y++)
            for (int x = 0; x < 296; x++)
                Assert.Equal(same.GetPixel(x, y), same.GetPixel(x, y + 2 * 98));
    }

    [Theory]
    [InlineData("augment --domain rings --p 2 --out a.png", "--p: 2 must lie in [0, 1]")]
    [InlineData("augment --domain rings --aug-pipe bg --out a.png", "bg")]
    [InlineData("train --domain circles --resolution 16 --steps 1 --out x.safetensors", "circles")]
    [InlineData("train --resolution 16 --steps 1 --out x.safetensors", "exactly one of --domain NAME or --images DIR")]
    [InlineData("train --domain rings --resolution 12 --steps 1 --out x.safetensors", "resolution: 12 is not a power of two")]
    [InlineData("train --images no-such-dir --resolution 16 --steps 1 --out x.safetensors", "no-such-dir")]
    [InlineData("train --domain rings --resolution 16 --channel-base 0 --steps 1 --out x.safetensors", "--channel-base must be positive")]
    [InlineData("train --domain rings --resolution 16 --channel-base 8 --steps 6 --resume MODEL --out x.safetensors", "has channel_base 16, but --channel-base is 8")]
    [InlineData("info missing.safetensors", "genmerge: error: FILE: 'missing.safetensors' does not exist")]
    [InlineData("sample --model nope.safetensors --out s.png", "genmerge: error: --model: 'nope.safetensors' does not exist")]
    [InlineData("merge --model MODEL --model nope.safetensors --out o", "genmerge: error: --model: 'nope.safetensors' does not exist")]
    [InlineData("info .", "genmerge: error: FILE: '.' is a folder, not a file")]
    [InlineData("merge --model MODEL --model . --out o", "genmerge: error: --model: '.' is a folder, not a file")]
    [InlineData("train --domain rings --resolution 16 --steps 1 --resume . --out x.safetensors", "--resume: '.' is a folder, not a file")]
    [InlineData("sample --model MODEL --out s.png --bogus 3", "genmerge: error: Unrecognized command or argument '--bogus'")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b", "genmerge: error: Option '--out' is required")]
    [InlineData("eval --model MODEL --reference domain:rings --class 1 --n 4 --out e.json", "class: the model is unconditional")]
    [InlineData("eval --model MODEL --reference nowhere --n 4 --out e.json", "reference: 'nowhere'")]
    [InlineData("merge --model MODEL --model MODEL --out o", "the name 'rings' is used twice")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --lr 0 --out o", "lr: 0 must be positive")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --gamma -1 --out o", "gamma: -1 must be >= 0")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --final-lr 0 --out o", "final_lr: 0 must be positive")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --method union --freeze-d 1 --out o", "freeze_d: 1, but method 'union' trains D from random init")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --aug fixed --out o", "aug_p: fixed augmentation needs a p > 0")]
    [InlineData("train --domain rings --resolution 16 --steps 1 --aug ada --aug-p 2 --out x.safetensors", "aug_p: 2 must lie in [0, 1]")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --select bestest --out o", "'bestest'")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --method average --select best --out o", "select: 'best' picks among the fine-tuning's checkpoints")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --data stream --out o", "stream")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --distill -1 --out o", "distill: -1 must be a finite number >= 0")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --distill-features -0.5 --out o", "distill_features: -0.5 must be a finite number >= 0")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --ema-kimg -1 --out o", "ema_kimg: -1 must be a finite number >= 0")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --distill 1 --distill-loss l3 --out o", "l3")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --distill 1 --distill-class a --out o", "--distill-class: 'a' is not NAME=FACTOR (e.g. smileys=0.5)")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --distill-class a=2 --out o", "distill_classes: set, but distill and distill_features are 0")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --distill 1 --distill-class cats=2 --out o", "distill_classes: 'cats' is not a class of this merge (its classes: a, b)")]
    [InlineData("sample --model MODEL --class 0 --mix 1 --out m.png", "style mixing needs a stylegan2 generator")]
    [InlineData("sample --model MODEL --mix 1 --out m.png", "--mix: also give --class")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --submit", "--submit needs --storage with a Storage connection string")]
    [InlineData("merge --model MODEL --model MODEL --name a --name b --submit --storage /tmp/some-folder", "--submit needs --storage with a Storage connection string")]
    [InlineData("resume 20260101-000000-abcdef --submit", "--submit needs --storage with a Storage connection string")]
    [InlineData("worker --storage UseDevelopmentStorage=true --device gpu", "--device: 'gpu' is not a device: use cpu, cuda or cuda:K")]
    [InlineData("worker --storage UseDevelopmentStorage=true --device cuda:0", "--device: 'cuda:0': CUDA is not available here")]
    [InlineData("worker --storage /tmp/some-folder", "--storage: a worker needs a Storage connection string")]
    [InlineData("worker --storage UseDevelopmentStorage=true --max-activities 0", "--max-activities must be positive")]
    [InlineData("worker --device cpu", "Option '--storage' is required")]
    public void User_errors_exit_non_zero_with_a_reason_on_stderr(string args, string expected)
    {
        var r = m.Cli.Run(args.Replace("MODEL", m.Model).Split(' '));
        Assert.True(r.ExitCode == 2, r.ToString()); // every user error: exit 2, the parser's own included
        Assert.Contains(expected, r.Stderr);
        Assert.StartsWith("genmerge: error: ", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n')); // one line, no help dump
        Assert.DoesNotContain("   at ", r.Stderr); // a reason, not a stack trace
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_named_in_the_error()
    {
        File.WriteAllText(m.Cli.PathOf("junk.safetensors"), "hello");
        var r = m.Cli.Run("info", m.Cli.PathOf("junk.safetensors"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("junk.safetensors", r.Stderr);
    }

    [Fact]
    public void Help_lists_every_command()
    {
        var r = m.Cli.Run("--help");
        foreach (var c in new[] { "train", "sample", "augment", "eval", "info", "merge", "status", "resume", "demo", "serve" })
            Assert.Contains(c, r.Stdout);
    }
}
