// Makes libLibTorchSharp.so load on systems whose libstdc++ lacks GLIBCXX_3.4.32 (Debian 12,
// Ubuntu 22.04). The .so asks for that version for a single symbol (_ZSt21ios_base_library_initv),
// which the older libstdc++ does not need; marking the version requirement weak (VER_FLG_WEAK)
// lets the dynamic loader accept the library. Compiled twice: as an MSBuild inline task (every
// build/publish that copies the .so runs it) and into the tests, which patch a copy.
using System;
using System.IO;
using System.Text;

namespace GenMerge.Build
{
    public enum GlibcxxPatchResult { Patched, AlreadyWeak, NoSuchRequirement, NotNeeded }

    public static class GlibcxxCompat
    {
        public const string VersionName = "GLIBCXX_3.4.32";
        const ushort VerFlgWeak = 0x2;
        const uint ShtGnuVerneed = 0x6ffffffe;

        static readonly string[] LibStdCxxCandidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        };

        /// <summary>True when the system libstdc++ already provides GLIBCXX_3.4.32 (patch unnecessary).</summary>
        public static bool SystemHasVersion()
        {
            foreach (var path in LibStdCxxCandidates)
            {
                if (!File.Exists(path)) continue;
                var bytes = File.ReadAllBytes(path);
                return IndexOf(bytes, Encoding.ASCII.GetBytes(VersionName + "\0")) >= 0;
            }
            return false; // no libstdc++ found where expected: patching is harmless, so do it
        }

        /// <summary>Patches <paramref name="soPath"/> unless the system does not need it.</summary>
        public static GlibcxxPatchResult EnsureCompatible(string soPath, bool force = false)
        {
            if (!force && SystemHasVersion()) return GlibcxxPatchResult.NotNeeded;
            return MarkWeak(soPath);
        }

        /// <summary>Sets VER_FLG_WEAK on the GLIBCXX_3.4.32 Vernaux entry. Idempotent.</summary>
        /// <remarks>Writes a patched copy and renames it over <paramref name="soPath"/>, never in place: build
        /// outputs are hard links into the NuGet cache (Directory.Build.props), which must stay untouched.</remarks>
        public static GlibcxxPatchResult MarkWeak(string soPath)
        {
            long flagsAt; ushort flags;
            using (var fs = new FileStream(soPath, FileMode.Open, FileAccess.Read))
            {
                var found = FindFlags(fs, soPath);
                if (found is null) return GlibcxxPatchResult.NoSuchRequirement;
                (flagsAt, flags) = found.Value;
            }
            if ((flags & VerFlgWeak) != 0) return GlibcxxPatchResult.AlreadyWeak;

            var tmp = soPath + ".glibcxx-patch";
            File.Copy(soPath, tmp, overwrite: true);
            using (var fs = new FileStream(tmp, FileMode.Open, FileAccess.Write))
            {
                fs.Position = flagsAt;
                new BinaryWriter(fs).Write((ushort)(flags | VerFlgWeak));
            }
            // Same time and size as the cache file: the next build's incremental copy skips it and keeps the patch.
            File.SetLastWriteTimeUtc(tmp, File.GetLastWriteTimeUtc(soPath));
            File.Replace(tmp, soPath, destinationBackupFileName: null); // a rename: netstandard2.0 (inline task) has no File.Move overwrite
            return GlibcxxPatchResult.Patched;
        }

        /// <summary>File offset and value of the GLIBCXX_3.4.32 Vernaux flags, or null when the file does not ask for it.</summary>
        static (long At, ushort Flags)? FindFlags(FileStream fs, string soPath)
        {
            var r = new BinaryReader(fs);
            var ident = r.ReadBytes(16);
            if (ident.Length < 16 || ident[0] != 0x7f || ident[1] != (byte)'E' || ident[2] != (byte)'L' || ident[3] != (byte)'F')
                throw new InvalidDataException($"{soPath}: not an ELF file");
            if (ident[4] != 2 || ident[5] != 1)
                throw new InvalidDataException($"{soPath}: only 64-bit little-endian ELF is supported");

            fs.Position = 0x28; ulong shoff = r.ReadUInt64();
            fs.Position = 0x3A; ushort shentsize = r.ReadUInt16(); ushort shnum = r.ReadUInt16();
            for (int i = 0; i < shnum; i++)
            {
                long sh = (long)shoff + (long)i * shentsize;
                fs.Position = sh + 4; uint type = r.ReadUInt32();
                if (type != ShtGnuVerneed) continue;
                fs.Position = sh + 24; ulong off = r.ReadUInt64();
                fs.Position = sh + 40; uint link = r.ReadUInt32(); uint info = r.ReadUInt32();
                long strtab = SectionOffset(fs, r, shoff, shentsize, link);
                return FindInVerneed(fs, r, (long)off, info, strtab);
            }
            return null;
        }

        static long SectionOffset(FileStream fs, BinaryReader r, ulong shoff, ushort shentsize, uint index)
        {
            fs.Position = (long)shoff + (long)index * shentsize + 24;
            return (long)r.ReadUInt64();
        }

        static (long, ushort)? FindInVerneed(FileStream fs, BinaryReader r, long off, uint count, long strtab)
        {
            long need = off;
            for (uint n = 0; n < count; n++)
            {
                fs.Position = need + 2; ushort cnt = r.ReadUInt16();
                fs.Position = need + 8; uint aux = r.ReadUInt32(); uint next = r.ReadUInt32();
                long a = need + aux;
                for (int k = 0; k < cnt; k++)
                {
                    fs.Position = a + 4; ushort flags = r.ReadUInt16();
                    fs.Position = a + 8; uint name = r.ReadUInt32(); uint anext = r.ReadUInt32();
                    if (ReadString(fs, r, strtab + name) == VersionName) return (a + 4, flags);
                    if (anext == 0) break;
                    a += anext;
                }
                if (next == 0) break;
                need += next;
            }
            return null;
        }

        static string ReadString(FileStream fs, BinaryReader r, long pos)
        {
            fs.Position = pos;
            var sb = new StringBuilder();
            for (byte b; (b = r.ReadByte()) != 0;) sb.Append((char)b);
            return sb.ToString();
        }

        static int IndexOf(byte[] hay, byte[] needle)
        {
            for (int i = 0; i + needle.Length <= hay.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && hay[i + j] == needle[j]) j++;
                if (j == needle.Length) return i;
            }
            return -1;
        }
    }

#if !GENMERGE_NO_MSBUILD
    /// <summary>MSBuild entry point: patches every given file, logging what it did.</summary>
    public class PatchGlibcxx : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        public override bool Execute()
        {
            foreach (var item in Files)
            {
                var path = item.ItemSpec;
                if (!File.Exists(path)) continue;
                var result = GlibcxxCompat.EnsureCompatible(path);
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"GLIBCXX compat: {path}: {result}");
            }
            return true;
        }
    }
#endif
}
