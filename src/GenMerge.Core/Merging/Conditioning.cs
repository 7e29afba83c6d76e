using GenMerge.Core.Models;
using GenMerge.Core.Models.Layers;
using GenMerge.Core.Models.StyleGan2;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Merging;

/// <summary>
/// Turns a model into a class-conditional one (step 4 of the method) without changing what it computes:
/// every class of the result reproduces the source (unconditional source), or old classes reproduce the
/// source's classes (extending a conditional source), until fine-tuning moves the new weights.
/// </summary>
public static class Conditioning
{
    /// <summary>
    /// A NEW model with c_dim = <paramref name="cDim"/> whose G, G_ema and D equal the source's for every class.
    /// Shared tensors (parameters and buffers, w_avg included) are copied. New tensors:
    /// G's class embedding is random (seeded; it is 2nd-moment normalised, so its scale does not matter) and the
    /// same in G and G_ema; the first layer's new input columns that read it are ZERO; compact D's cmap is ZERO. stylegan2
    /// (mapping lr_multiplier 0.01, under which zero columns would barely grow) instead keeps fresh fc0 class
    /// columns and starts the embedding as one class-independent vector that fc0's bias compensates (<see cref="FullStrengthClassInput"/>);
    /// its D gets stylegan2-ada's conditional layout, also exact (<see cref="ReferenceDFromUnconditional"/>).
    /// Equalised-lr layers whose in_features grow (stylegan2 mapping.fc0, and mapping.embed / D.mapping.embed / legacy cmap when c_dim grows) get their
    /// copied columns rescaled by sqrt(new_in / old_in) so weight * weight_gain is unchanged.
    /// Extending a conditional source copies the old classes' columns and keeps its D layout; new classes get random
    /// embedding columns in G (feeding the existing, trained embedding inputs of the first layer) and zero columns in
    /// D's cmap (legacy projection) or D.mapping.embed (reference layout), so every new class starts as one class-free D.
    /// Seeds torch's global RNG with <paramref name="seed"/> (as <see cref="GanModel.Create"/> does).
    /// <paramref name="classOffset"/> places a conditional source's classes at columns offset..offset+c_dim-1 (a
    /// multi-class source that is not the first one of a merge); the other columns are the new classes.
    /// </summary>
    public static GanModel ToConditional(GanModel source, int cDim, IReadOnlyList<string>? classNames = null, long seed = 0, int classOffset = 0)
    {
        var origin = source.Config;
        if (cDim < 1) throw new ArgumentException($"c_dim: {cDim} must be >= 1 for a conditional model", nameof(cDim));
        if (cDim < origin.CDim)
            throw new ArgumentException($"c_dim: cannot shrink a model from {origin.CDim} to {cDim} classes", nameof(cDim));
        if (classOffset < 0 || (origin.CDim > 0 && classOffset + origin.CDim > cDim))
            throw new ArgumentException($"class offset: {classOffset} does not fit {origin.CDim} classes into {cDim}", nameof(classOffset));
        var target = ConditioningLayout.Target(origin, cDim);
        var layout = ConditioningLayout.For(target);

        torch.manual_seed(seed);
        var g = ModelFactory.CreateGenerator(target);
        var gEma = ModelFactory.CreateGenerator(target);
        var d = ModelFactory.CreateDiscriminator(target);
        gEma.load_state_dict(g.state_dict()); // the random embedding must be the same in G and G_ema
        try
        {
            Transfer(source.G, g, layout, origin, target, "G", classOffset);
            Transfer(source.GEma, gEma, layout, origin, target, "G_ema", classOffset);
            if (layout.DReference) TransferReferenceD(source.D, (StyleGan2Discriminator)d, layout, origin, target, classOffset);
            else Transfer(source.D, d, layout, origin, target, "D", classOffset);
        }
        catch
        {
            g.Dispose(); gEma.Dispose(); d.Dispose();
            throw;
        }

        if (source.G is StyleGan2Generator sg && g is StyleGan2Generator ng) ng.NoiseMode = sg.NoiseMode;
        if (source.GEma is StyleGan2Generator se && gEma is StyleGan2Generator ne) ne.NoiseMode = se.NoiseMode;
        g.train(source.G.training);
        d.train(source.D.training);
        gEma.eval();
        foreach (var p in gEma.parameters()) p.requires_grad = false;

        var device = FirstDevice(source.G);
        var names = classNames ?? (source.ClassNames.Count == cDim ? source.ClassNames : Array.Empty<string>());
        var notes = new Dictionary<string, string>(source.Provenance.Notes)
        {
            ["conditioning"] = $"c_dim {origin.CDim} -> {cDim}",
        };
        var provenance = source.Provenance with { Kind = "convert", Seed = seed, Notes = notes, Parents = Array.Empty<string>() };
        return new GanModel(target, g, d, gEma, names, provenance).To(device);
    }

    /// <summary>Trainable-parameter counts of G and D (G_ema, a copy of G, and buffers are not counted).</summary>
    public static (long Generator, long Discriminator) ParameterCounts(GanModel m)
        => (m.G.parameters().Sum(p => p.numel()), m.D.parameters().Sum(p => p.numel()));

    /// <summary>
    /// Exact number of parameters <see cref="ToConditional"/> adds to G and D for a source of this config:
    /// from unconditional, the embedding (c_dim*embed + embed bias) plus the first layer's new input columns
    /// (first_out*embed) in G; in D, cmap (cmap_dim*c_dim) for compact, and for stylegan2 (reference layout) D.mapping
    /// (embed c_dim*K + K, then d_mapping_layers fc layers of K*K + K, K = cmap_dim) plus K - 1 more rows of b4.out
    /// ((K - 1) * (C4 + 1)); from c_dim N, only the new classes' columns (embed_dim each in G, cmap_dim each in D).
    /// </summary>
    public static (long Generator, long Discriminator) AddedParameterCounts(ModelConfig source, int cDim)
    {
        if (cDim < Math.Max(1, source.CDim))
            throw new ArgumentException($"c_dim: {cDim} must be >= max(1, source c_dim {source.CDim})", nameof(cDim));
        var layout = ConditioningLayout.For(ConditioningLayout.Target(source, cDim));
        long e = source.EmbedDim, added = cDim - source.CDim, k = layout.CmapDim;
        long gen = source.CDim == 0
            ? cDim * e + e + (long)layout.FirstLayerOut * e
            : added * e;
        long disc = source.CDim == 0 && layout.DReference
            ? cDim * k + k + layout.DMappingLayers * (k * k + k) + (k - 1) * (layout.DFeatures + 1)
            : added * k;
        return (gen, disc);
    }

    /// <summary>
    /// D in stylegan2-ada's conditional layout. From a conditional reference D: everything copied, D.mapping.embed's
    /// old columns rescaled (its in_features grows), new ones zero. From an unconditional D (EXACT, up to float
    /// rounding): the blocks and b4 except out copied; D.mapping keeps its fresh (seeded) fc layers, and its embed starts
    /// class-independent (zero weight, bias = the fresh weight's first column), so cmap is one vector u for every class;
    /// b4.out's rows become a_k * (the source's single out row and bias) with a = u * sqrt(K) / |u|^2, so
    /// logit = sum_k a_k out(h) u_k / sqrt(K) = out(h), the source's logit. Classes separate as soon as the embedding's
    /// weight (lr_multiplier 1) moves; b4.out starts rank 1 and fine-tuning spreads it.
    /// </summary>
    private static void TransferReferenceD(nn.Module src, StyleGan2Discriminator dst, ConditioningLayout layout, ModelConfig origin, ModelConfig target, int offset)
    {
        const string what = "D";
        var s = src.state_dict();
        var dd = dst.state_dict();
        long n = origin.CDim, m = target.CDim;
        bool fromUnconditional = n == 0;
        bool Fresh(string key) => fromUnconditional && (key.StartsWith("mapping.") || key is ConditioningLayout.DOutWeight or ConditioningLayout.DOutBias);
        foreach (var key in s.Keys)
            if (!dd.ContainsKey(key))
                throw new InvalidOperationException($"{what}: source tensor '{key}' has no place in the conditional model");
        using var _ = no_grad();
        foreach (var (key, t) in dd)
        {
            if (Fresh(key)) continue;
            if (key == ConditioningLayout.DEmbedWeight)
            {
                t.zero_();
                if (n > 0) t.narrow(1, offset, n).copy_(Source(s, key, what) * layout.Rescale(n, m));
                continue;
            }
            var st = Source(s, key, what);
            if (!st.shape.SequenceEqual(t.shape))
                throw new InvalidOperationException(
                    $"{what}: tensor '{key}' has shape [{string.Join(", ", st.shape)}] in the source but [{string.Join(", ", t.shape)}] in the conditional model");
            t.copy_(st);
        }
        if (fromUnconditional) ReferenceDFromUnconditional(dst, dd, Source(s, ConditioningLayout.DOutWeight, what), Source(s, ConditioningLayout.DOutBias, what));
    }

    /// <summary>The exact unconditional -> reference-layout init of D described at <see cref="TransferReferenceD"/>.</summary>
    private static void ReferenceDFromUnconditional(StyleGan2Discriminator d, IDictionary<string, Tensor> dd, Tensor srcOutWeight, Tensor srcOutBias)
    {
        var embedWeight = dd[ConditioningLayout.DEmbedWeight];
        dd[ConditioningLayout.DEmbedBias].copy_(embedWeight.select(1, 0));
        embedWeight.zero_();
        var mapping = d.Mapping!;
        bool wasTraining = mapping.training;
        mapping.eval();
        using var c = zeros(1, embedWeight.shape[1]);
        using var u = mapping.Features(null, c).squeeze(0);  // [K], the same for every class
        mapping.train(wasTraining);
        double k = u.shape[0];
        double uu = u.square().sum().item<float>();
        if (!(uu > 0)) throw new InvalidOperationException("D: the fresh D.mapping gave a zero cmap; cannot start the conditional D from its source");
        using var a = u * (Math.Sqrt(k) / uu);                 // a . u = sqrt(K)
        dd[ConditioningLayout.DOutWeight].copy_(a.unsqueeze(1) * srcOutWeight); // [K, 1] * [1, C4]; same in_features, same gain
        dd[ConditioningLayout.DOutBias].copy_(a * srcOutBias);
    }

    /// <summary>Copies src's state into dst (which has c_dim = target.CDim), handling the class-dependent tensors.</summary>
    private static void Transfer(nn.Module src, nn.Module dst, ConditioningLayout layout, ModelConfig origin, ModelConfig target, string what, int offset)
    {
        var s = src.state_dict();
        var dd = dst.state_dict();
        foreach (var key in s.Keys)
            if (!dd.ContainsKey(key))
                throw new InvalidOperationException($"{what}: source tensor '{key}' has no place in the conditional model");

        long n = origin.CDim, m = target.CDim, z = origin.ZDim, e = origin.EmbedDim;
        using var _ = no_grad();
        foreach (var (key, t) in dd)
        {
            if (key == layout.EmbedWeight)
            {
                // Old classes' columns copied (rescaled for the larger c_dim), new ones keep their random init.
                if (n > 0) t.narrow(1, offset, n).copy_(Source(s, key, what) * layout.Rescale(n, m));
            }
            else if (key == layout.EmbedBias)
            {
                if (n > 0) t.copy_(Source(s, key, what));
            }
            else if (key == layout.FirstLayerWeight && n == 0)
            {
                // z columns copied (rescaled: in_features grows by embed_dim); embedding columns zero, so c is ignored
                // (equalised layers: fresh columns fed a class-independent input instead, see FullStrengthClassInput).
                if (!layout.Equalised) t.zero_();
                t.narrow(1, 0, z).copy_(Source(s, key, what) * layout.Rescale(z, z + e));
            }
            else if (key == layout.CmapWeight)
            {
                // Zero projection for new classes: D's logit stays the source's.
                t.zero_();
                if (n > 0) t.narrow(1, offset, n).copy_(Source(s, key, what) * layout.Rescale(n, m));
            }
            else
            {
                var st = Source(s, key, what);
                if (!st.shape.SequenceEqual(t.shape))
                    throw new InvalidOperationException(
                        $"{what}: tensor '{key}' has shape [{string.Join(", ", st.shape)}] in the source but [{string.Join(", ", t.shape)}] in the conditional model");
                t.copy_(st);
            }
        }
        if (layout.Equalised && n == 0 && dd.ContainsKey(layout.EmbedWeight)) FullStrengthClassInput(dd, layout, z, e);
    }

    /// <summary>
    /// stylegan2 trains its mapping network at lr_multiplier 0.01: zero class columns in fc0 would grow by ~lr per Adam
    /// step against z columns stored at ~1 / 0.01, so the class would barely enter in thousands of steps (measured:
    /// 0.5 % of z's weight after 1000 merge steps, and a merged model that drew the same images for every class;
    /// bench/merge-methods, stylegan2 section). Instead the class columns keep their fresh init (full strength) and
    /// the embedding starts as one vector for every class (zero weight; bias = the fresh weight's first column, the
    /// same in G and G_ema); fc0's bias absorbs what that constant adds, so every output is unchanged, and classes
    /// separate as soon as the embedding's weight (lr_multiplier 1) moves.
    /// </summary>
    private static void FullStrengthClassInput(IDictionary<string, Tensor> dd, ConditioningLayout layout, long z, long e)
    {
        var embedWeight = dd[layout.EmbedWeight];
        var embedBias = dd[layout.EmbedBias];
        var fc0 = dd[layout.FirstLayerWeight];
        var fc0Bias = dd[layout.FirstLayerWeight[..^"weight".Length] + "bias"];
        embedBias.copy_(embedWeight.select(1, 0));
        embedWeight.zero_();
        // The mapping's forward: y = normalize_2nd_moment(embed(c)) (embed bias gain 1), then fc0 adds
        // (W[:, z:] * gain) @ y with gain = lr_multiplier / sqrt(z + e); fc0's stored bias is scaled by lr_multiplier.
        using var y = SecondMoment.Normalize(embedBias.unsqueeze(0)).squeeze(0);
        double gain = MappingNetwork.LrMultiplier / Math.Sqrt(z + e);
        using var added = fc0.narrow(1, z, e).matmul(y) * gain;
        fc0Bias.sub_(added / MappingNetwork.LrMultiplier);
    }

    private static Tensor Source(IDictionary<string, Tensor> s, string key, string what)
        => s.TryGetValue(key, out var t) ? t : throw new InvalidOperationException($"{what}: source has no tensor '{key}'");

    private static torch.Device FirstDevice(nn.Module m)
    {
        foreach (var p in m.parameters()) return p.device;
        return torch.CPU;
    }
}
