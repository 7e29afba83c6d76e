using GenMerge.Core.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>
/// One resolution of the synthesis network, 'skip' architecture (stylegan2-ada SynthesisBlock):
/// b4 starts from the learned <c>const</c>; later blocks upsample in <c>conv0</c>; every block adds its
/// <c>torgb</c> output to the FIR-upsampled image of the previous block.
/// </summary>
public sealed class SynthesisBlock : nn.Module
{
    private readonly Parameter? @const;
    private readonly SynthesisLayer? conv0;
    private readonly SynthesisLayer conv1;
    private readonly ToRgbLayer torgb;
    // State-dict parity with stylegan2-ada only: Ops applies this fixed [1,3,3,1] filter itself.
    private readonly Tensor resample_filter;

    public SynthesisBlock(long inChannels, long outChannels, int wDim, int resolution, int imgChannels)
        : base(nameof(SynthesisBlock))
    {
        InChannels = inChannels; OutChannels = outChannels; Resolution = resolution; WDim = wDim;
        resample_filter = Owned.Buffer(Ops.SetupFilter());
        if (inChannels == 0)
            @const = Owned.Param(randn(outChannels, resolution, resolution));
        else
        {
            conv0 = new SynthesisLayer(inChannels, outChannels, wDim, resolution, up: 2);
            NumConv++;
        }
        conv1 = new SynthesisLayer(outChannels, outChannels, wDim, resolution);
        NumConv++;
        torgb = new ToRgbLayer(outChannels, imgChannels, wDim);
        NumToRgb = 1;
        RegisterComponents();
    }

    public long InChannels { get; }
    public long OutChannels { get; }
    public int Resolution { get; }
    public int WDim { get; }
    public int NumConv { get; }
    public int NumToRgb { get; }

    /// <summary>ws: [B, num_conv + num_torgb, w_dim]. Returns the features and the running image.</summary>
    public (Tensor X, Tensor Img) Forward(Tensor? x, Tensor? img, Tensor ws, string noiseMode)
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
        var y = torgb.forward(x, W());
        img = img is null ? y : img + y;
        return (x, img);
    }
}
