using GenMerge.Build;

if (args.Length != 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: GlibcxxPatch <publish-folder>  (the folder must exist)");
    return 2;
}
var files = Directory.GetFiles(args[0], "libLibTorchSharp.so", SearchOption.AllDirectories);
if (files.Length == 0)
{
    Console.Error.WriteLine($"GlibcxxPatch: no libLibTorchSharp.so under {args[0]}: is TorchSharp's native package referenced?");
    return 1;
}
foreach (var file in files)
    Console.WriteLine($"GlibcxxPatch: {file}: {GlibcxxCompat.MarkWeak(file)}");
return 0;
