namespace GenMerge.Core.Models;

/// <summary>Builds the G/D modules of a family from its config.</summary>
public static class ModelFactory
{
    public static Generator CreateGenerator(ModelConfig config) => config.Validate().Family switch
    {
        // Filled in by the family implementations (Models/Compact, Models/StyleGan2).
        _ => throw new NotImplementedException($"family '{config.Family}' generator not built yet"),
    };

    public static Discriminator CreateDiscriminator(ModelConfig config) => config.Validate().Family switch
    {
        _ => throw new NotImplementedException($"family '{config.Family}' discriminator not built yet"),
    };
}
