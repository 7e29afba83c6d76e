using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core;

/// <summary>
/// Turns libtorch's oneDNN (mkldnn) CPU convolutions off for this process when they compute wrong gradients here;
/// G's and D's constructors run it, so it is done before any model's first convolution.
/// Why: on a 2-core AMD EPYC with AVX-512 (2026-12-06), libtorch 2.10's oneDNN backward-data of a 3x3 convolution
/// whose output channels are not a multiple of its block (16; 8 with AVX2 kernels) returned wrong input gradients in
/// 199 of 200 tries, and NaN in a few: compact G's 3-channel toRGB fed garbage to every layer above it, and training
/// diverged at random steps. Weight gradients, 1x1 and grouped convolutions were right; the forward pass of the
/// rosinality fixture's D was off by 0.01. libtorch's own kernels are right and deterministic, at about half the
/// speed, so they are used only where the check fails.
/// TorchSharp has no switch for this, so at::Context's setter is called directly (its C++ symbols are stable for a
/// libtorch version; when they are missing the check reports that and changes nothing).
/// </summary>
public static class OneDnnCheck
{
    static readonly Lazy<string> Outcome = new(Run, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Runs the check once per process (later calls return the first outcome): one line saying what was decided.</summary>
    public static string Ensure() => Outcome.Value;

    /// <summary>Whether libtorch uses oneDNN for CPU convolutions now (null: the switch could not be reached).</summary>
    public static bool? Enabled
    {
        get
        {
            try { return Native.GetEnabled(Native.GlobalContext()); }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return null; }
        }
    }

    static string Run()
    {
        // libtorch is loaded by TorchSharp's first call; the DllImports below then bind to that same library.
        using (zeros(1)) { }
        var enabled = Enabled;
        if (enabled is not true) return enabled is null ? "oneDNN: not checked (libtorch's switch not found)" : "oneDNN: off";
        var error = ProbeError();
        if (error <= 1e-4) return "oneDNN: on (its convolution gradients checked)";
        var ctx = Native.GlobalContext();
        Native.SetEnabled(ctx, false);
        // NNPACK is libtorch's next choice for some convolutions; where it cannot start it warns on every call.
        Native.SetNnpack(ctx, false);
        return $"oneDNN: off (its convolution input gradients were wrong on this CPU, error {error:g3}; libtorch's own kernels are used)";
    }

    /// <summary>
    /// Worst relative error of oneDNN's input gradient of a 3x3, 3-output-channel convolution (compact G's toRGB)
    /// against libtorch's own kernel, over a few tries; infinity when it was not finite. The wrong values differ from
    /// call to call, and smaller problems came out right now and then on a busy machine (8 input channels, 8x8, batch
    /// 2: 17 of 100 wrong under load): this size was wrong in every one of 600 tries, idle, loaded or on one thread.
    /// </summary>
    static double ProbeError()
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var rng = new Generator(20261206, CPU);
        var x0 = randn(new long[] { 4, 32, 16, 16 }, generator: rng);
        var w = randn(new long[] { 3, 32, 3, 3 }, generator: rng) * 0.1;
        var ctx = Native.GlobalContext();
        var nnpack = Native.GetNnpack(ctx);
        Native.SetNnpack(ctx, false); // the reference is libtorch's plain kernel
        Tensor InputGrad(bool onednn)
        {
            Native.SetEnabled(ctx, onednn);
            var x = x0.clone().requires_grad_(true);
            nn.functional.conv2d(x, w, padding: new long[] { 1, 1 }).sum().backward();
            return x.grad!.detach().clone();
        }
        double worst = 0;
        try
        {
            for (int t = 0; t < 8; t++)
            {
                var reference = InputGrad(false);
                var tried = InputGrad(true);
                if (!tried.isfinite().all().item<bool>()) return double.PositiveInfinity;
                var scale = reference.abs().max().item<float>() + 1.0;
                worst = Math.Max(worst, (tried - reference).abs().max().item<float>() / scale);
            }
        }
        finally { Native.SetEnabled(ctx, true); Native.SetNnpack(ctx, nnpack); }
        return worst;
    }

    static class Native
    {
        // at::globalContext() and at::Context's mkldnn and NNPACK switches (member functions take `this` first).
        [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
        public static extern IntPtr GlobalContext();

        [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
        public static extern void SetEnabled(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

        [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
        [return: MarshalAs(UnmanagedType.U1)]
        public static extern bool GetEnabled(IntPtr context);

        [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
        public static extern void SetNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

        [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
        [return: MarshalAs(UnmanagedType.U1)]
        public static extern bool GetNnpack(IntPtr context);
    }
}
