using GenMerge.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>
/// z (and the class embedding) -> w, broadcast to num_ws copies (stylegan2-ada MappingNetwork).
/// Parameters: <c>embed</c> (only when c_dim &gt; 0), <c>fc0..fc{L-1}</c> (lr_multiplier 0.01, lrelu);
/// buffer <c>w_avg</c>, the moving average of w used by truncation.
/// </summary>
public sealed class MappingNetwork : nn.Module<Tensor, Tensor?, Tensor>
{
    public const double LrMultiplier = 0.01;
    public const double DefaultWAvgBeta = 0.995;

    private readonly FullyConnectedLayer? embed;
    private readonly List<FullyConnectedLayer> _layers = new();
    private readonly Tensor w_avg;

    public MappingNetwork(int zDim, int cDim, int wDim, int numWs, int numLayers, int embedFeatures,
                          double wAvgBeta = DefaultWAvgBeta) : base(nameof(MappingNetwork))
    {
        ZDim = zDim; CDim = cDim; WDim = wDim; NumWs = numWs; NumLayers = numLayers;
        EmbedFeatures = cDim > 0 ? embedFeatures : 0;
        WAvgBeta = wAvgBeta;

        if (cDim > 0)
        {
            embed = new FullyConnectedLayer(cDim, EmbedFeatures);
            register_module("embed", embed);
        }
        // features: [z_dim + embed] -> w_dim -> ... -> w_dim (layer_features = w_dim as in the reference default).
        for (int i = 0; i < numLayers; i++)
        {
            var layer = new FullyConnectedLayer(i == 0 ? zDim + EmbedFeatures : wDim, wDim, lrelu: true, lrMultiplier: LrMultiplier);
            _layers.Add(layer);
            register_module($"fc{i}", layer);
        }
        w_avg = Owned.Buffer(zeros(wDim));
        RegisterComponents();
    }

    public int ZDim { get; }
    public int CDim { get; }
    public int WDim { get; }
    public int NumWs { get; }
    public int NumLayers { get; }
    public int EmbedFeatures { get; }
    /// <summary>Decay of the w_avg tracking (0.995 as the reference).</summary>
    public double WAvgBeta { get; }
    /// <summary>The <c>w_avg</c> buffer [w_dim] (live tensor: in-place updates show here).</summary>
    public Tensor WAvg => w_avg;
    /// <summary>The class embedding layer (null when unconditional). Class k's embedding is column k of its weight [embed, c_dim].</summary>
    public FullyConnectedLayer? Embed => embed;
    public IReadOnlyList<FullyConnectedLayer> Layers => _layers;

    public override Tensor forward(Tensor z, Tensor? c) => forward(z, c, 1.0, updateWAvg: true);

    /// <summary>
    /// ws [B, num_ws, w_dim]. c must already be checked ([B, c_dim] or null). In training mode with
    /// <paramref name="updateWAvg"/> the w_avg buffer moves toward the batch mean of w (beta 0.995).
    /// Truncation lerps every w toward w_avg (psi = 1: none).
    /// </summary>
    public Tensor forward(Tensor z, Tensor? c, double truncationPsi, bool updateWAvg)
    {
        var x = SecondMoment.Normalize(z.to_type(ScalarType.Float32));
        if (embed is not null)
        {
            if (c is null) throw new ArgumentException($"c: the mapping network is conditional, expected shape [{z.shape[0]}, {CDim}], found null", nameof(c));
            var y = SecondMoment.Normalize(embed.forward(c.to_type(ScalarType.Float32)));
            x = cat(new[] { x, y }, 1);
        }
        foreach (var layer in _layers) x = layer.forward(x);

        if (updateWAvg && training)
        {
            using var _ = no_grad();
            using var mean = x.detach().mean(new long[] { 0 });
            // lerp(mean, w_avg, beta) = mean + beta * (w_avg - mean)
            w_avg.copy_(mean + (w_avg - mean) * WAvgBeta);
        }

        var ws = x.unsqueeze(1).repeat(1, NumWs, 1);
        if (truncationPsi != 1.0)
            ws = w_avg + (ws - w_avg) * truncationPsi;
        return ws;
    }
}
