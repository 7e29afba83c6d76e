using GenMerge.Core.Models;
using TorchSharp;

namespace GenMerge.Core.Merging;

/// <summary>Deep copies of models (rooting starts from a copy of the root).</summary>
public static class ModelCopy
{
    public static GanModel Clone(GanModel m, Provenance? provenance = null)
    {
        var copy = GanModel.Create(m.Config, 0, m.ClassNames);
        using (torch.no_grad())
        {
            copy.G.load_state_dict(m.G.state_dict());
            copy.D.load_state_dict(m.D.state_dict());
            copy.GEma.load_state_dict(m.GEma.state_dict());
        }
        var device = m.G.parameters().First().device;
        copy.To(device);
        copy.Provenance = provenance ?? m.Provenance;
        return copy;
    }
}
