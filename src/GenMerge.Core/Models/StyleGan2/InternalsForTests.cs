using System.Runtime.CompilerServices;

// Ops (the FIR resampling primitives) is internal; its equivalence tests live in the Core test project.
[assembly: InternalsVisibleTo("GenMerge.Core.Tests")]
