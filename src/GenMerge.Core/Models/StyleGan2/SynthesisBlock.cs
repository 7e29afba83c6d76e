using GenMerge.Core.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>
/// One resolution of the synthesis network (stylegan2-ada SynthesisBlock): b4 starts from the learned
/// <c>const</c>; later blocks upsample in <c>conv0</c>. 'skip': every block has a <c>torgb</c> whose output is
/// added to the FIR-upsampled image of the previous block; 'orig': only the last block has one.
/// </summary>
public sealed class SynthesisBlock : nn.Module
{
    private readonly Parameter? @const;
    private readonly SynthesisLayer? conv0;
    private readonly SynthesisLayer conv1;
    private readonly ToRgbLayer? torgb;
    // State-dict parity with stylegan2-ada only: Ops applies this fixed [1,3,3,1] filter itself.
    private readonly Tensor resample_filter;

    /// <param name="inChannels">0 for the first block (b4, starts from const).</param>
    /// <param name="isLast">the block at the output resolution (always has torgb).</param>
    /// <param name="architecture">"skip" or "orig" (<see cref="ModelConfig.GArchitecture"/>).</param>
    /// <param name="convClamp">conv_clamp of conv0, conv1 and torgb; null = none.</param>
    public SynthesisBlock(long inChannels, long outChannels, int wDim, int resolution, int imgChannels,
                          bool isLast = true, string architecture = ModelConfig.ArchSkip, int? convClamp = null)
        : base(nameof(SynthesisBlock))
    {
        if (architecture is not (ModelConfig.ArchSkip or ModelConfig.ArchOrig))
            throw new ArgumentException($"g_architecture: unknown '{architecture}'", nameof(architecture));
        InChannels = inChannels; OutChannels = outChannels; Resolution = resolution; WDim = wDim;
        resample_filter = Owned.Buffer(Ops.SetupFilter());
        if (inChannels == 0)
            @const = Owned.Param(randn(outChannels, resolution, resolution));
        else
        {
            conv0 = new SynthesisLayer(inChannels, outChannels, wDim, resolution, up: 2, convClamp: convClamp);
            NumConv++;
        }
        conv1 = new SynthesisLayer(outChannels, outChannels, wDim, resolution, convClamp: convClamp);
        NumConv++;
        if (isLast || architecture == ModelConfig.ArchSkip)
        {
            torgb = new ToRgbLayer(outChannels, imgChannels, wDim, convClamp);
            NumToRgb = 1;
        }
        RegisterComponents();
    }

    public long InChannels { get; }
    public long OutChannels { get; }
    public int Resolution { get; }
    public int WDim { get; }
    public int NumConv { get; }
    public int NumToRgb { get; }

    /// <summary>ws: [B, num_conv + num_torgb, w_dim]. Returns the features and the running image (null until a torgb).</summary>
    public (Tensor X, Tensor? Img) Forward(Tensor? x, Tensor? img, Tensor ws, string noiseMode)
    {
        int i = 0;
        Tensor W() => ws.select(1, i++);
        if (@const is not null)
        {
            x = @const.unsqueeze(0).repeat(ws.shape[0], 1, 1, 1);
            x = conv1.forward(x, W(), noiseMode);
        }
        else
        {
            x = conv0!.forward(x!, W(), noiseMode);
            x = conv1.forward(x, W(), noiseMode);
        }
        if (img is not null) img = Ops.Upsample2d(img);
        if (torgb is not null)
        {
            var y = torgb.forward(x, W());
            img = img is null ? y : img + y;
        }
        return (x, img);
    }
}
