// The metrics tests check the ONNX batch-dim patcher directly.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("GenMerge.Core.Tests")]
