using GenMerge.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>
/// z (and the class embedding) -> w, broadcast to num_ws copies (stylegan2-ada MappingNetwork).
/// Parameters: <c>embed</c> (only when c_dim &gt; 0), <c>fc0..fc{L-1}</c> (lr_multiplier 0.01, lrelu);
/// buffer <c>w_avg</c>, the moving average of w used by truncation. The conditional discriminator's
/// <c>D.mapping</c> is the same network with z_dim 0, no w_avg and no broadcast (<see cref="ForDiscriminator"/>).
/// </summary>
public sealed class MappingNetwork : nn.Module<Tensor, Tensor?, Tensor>
{
    public const double LrMultiplier = 0.01;
    public const double DefaultWAvgBeta = 0.995;

    private readonly FullyConnectedLayer? embed;
    private readonly List<FullyConnectedLayer> _layers = new();
    private readonly Tensor? w_avg;

    /// <param name="zDim">latent width; 0 = none (D's mapping of c alone).</param>
    /// <param name="numWs">copies of w that <see cref="forward(Tensor, Tensor?)"/> returns; 0 = no broadcast and no w_avg (D's mapping).</param>
    /// <param name="embedFeatures">width of the class embedding (ignored when c_dim = 0).</param>
    public MappingNetwork(int zDim, int cDim, int wDim, int numWs, int numLayers, int embedFeatures,
                          double wAvgBeta = DefaultWAvgBeta) : base(nameof(MappingNetwork))
    {
        if (zDim + (cDim > 0 ? embedFeatures : 0) <= 0)
            throw new ArgumentException("mapping network: needs z_dim > 0 or c_dim > 0", nameof(zDim));
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
        if (numWs > 0) w_avg = Owned.Buffer(zeros(wDim));
        RegisterComponents();
    }

    /// <summary>
    /// D.mapping of stylegan2-ada's conditional discriminator: MappingNetwork(z_dim=0, c_dim, w_dim=cmap_dim,
    /// num_ws=None, w_avg_beta=None) with embed_features = layer_features = cmap_dim, lr_multiplier 0.01.
    /// </summary>
    public static MappingNetwork ForDiscriminator(int cDim, int cmapDim, int numLayers)
        => new(0, cDim, cmapDim, numWs: 0, numLayers, embedFeatures: cmapDim);

    public int ZDim { get; }
    public int CDim { get; }
    public int WDim { get; }
    public int NumWs { get; }
    public int NumLayers { get; }
    public int EmbedFeatures { get; }
    /// <summary>Decay of the w_avg tracking (0.995 as the reference).</summary>
    public double WAvgBeta { get; }
    /// <summary>The <c>w_avg</c> buffer [w_dim] (live tensor: in-place updates show here).</summary>
    public Tensor WAvg => w_avg ?? throw new InvalidOperationException("this mapping network (D's) has no w_avg");
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
        if (w_avg is null) throw new InvalidOperationException("D's mapping network maps c alone: call Features(null, c)");
        var x = Features(z, c);
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

    /// <summary>[B, w_dim]: normalize_2nd_moment(z) ++ normalize_2nd_moment(embed(c)) through fc0..fc{L-1}; z null when z_dim = 0.</summary>
    public Tensor Features(Tensor? z, Tensor? c)
    {
        Tensor? x = null;
        if (ZDim > 0)
        {
            if (z is null) throw new ArgumentException($"z: expected shape [B, {ZDim}], found null", nameof(z));
            x = SecondMoment.Normalize(z.to_type(ScalarType.Float32));
        }
        if (embed is not null)
        {
            if (c is null) throw new ArgumentException($"c: the mapping network is conditional, expected shape [{z?.shape[0] ?? -1}, {CDim}], found null", nameof(c));
            var y = SecondMoment.Normalize(embed.forward(c.to_type(ScalarType.Float32)));
            x = x is null ? y : cat(new[] { x, y }, 1);
        }
        foreach (var layer in _layers) x = layer.forward(x!);
        return x!;
    }
}
