using GenMerge.Core.Models.Compact;
using GenMerge.Core.Models.StyleGan2;

namespace GenMerge.Core.Models;

/// <summary>Builds the G/D modules of a family from its config.</summary>
public static class ModelFactory
{
    public static Generator CreateGenerator(ModelConfig config) => config.Validate().Family switch
    {
        ModelConfig.Compact => new CompactGenerator(config),
        ModelConfig.StyleGan2 => new StyleGan2Generator(config),
        _ => throw new ArgumentException($"family: unknown model family '{config.Family}'"),
    };

    public static Discriminator CreateDiscriminator(ModelConfig config) => config.Validate().Family switch
    {
        ModelConfig.Compact => new CompactDiscriminator(config),
        ModelConfig.StyleGan2 => new StyleGan2Discriminator(config),
        _ => throw new ArgumentException($"family: unknown model family '{config.Family}'"),
    };
}
