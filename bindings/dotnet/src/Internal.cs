// OpenLex C# binding: string marshalling (UTF-8 on Unix, UTF-16 on Windows) and a small JSON reader for the *Internal (JSON) entry points,
// so the binding needs nothing beyond the base class library.
// SPDX-License-Identifier: MIT OR Apache-2.0
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Cryptlex
{
    /// <summary>The library's string ABI, marshalled by hand: NUL-terminated UTF-8 <c>char</c> on Unix,
    /// NUL-terminated UTF-16 <c>wchar_t</c> on Windows (LexTypes.h: CHARTYPE / STRTYPE). Strings go in as
    /// byte arrays in that encoding; output buffers are byte arrays whose <c>length</c> argument counts
    /// characters (code units), not bytes. <see cref="Platform"/> is the one the binding uses.</summary>
    public sealed class NativeText
    {
        /// <summary>The running platform's ABI: UTF-16 on Windows, UTF-8 elsewhere.</summary>
        public static readonly NativeText Platform = new NativeText(Environment.OSVersion.Platform == PlatformID.Win32NT);
        /// <summary>The Unix ABI (UTF-8 <c>char</c>).</summary>
        public static readonly NativeText Utf8 = new NativeText(false);
        /// <summary>The Windows ABI (UTF-16 <c>wchar_t</c>).</summary>
        public static readonly NativeText Utf16 = new NativeText(true);

        readonly Encoding enc;

        NativeText(bool wide)
        {
            Wide = wide;
            enc = wide ? (Encoding)new UnicodeEncoding(false, false) : new UTF8Encoding(false, false);
        }

        /// <summary>True for UTF-16 <c>wchar_t</c> (Windows).</summary>
        public bool Wide { get; private set; }

        /// <summary>Bytes per character unit: 2 for <c>wchar_t</c>, 1 for <c>char</c>.</summary>
        public int UnitSize { get { return Wide ? 2 : 1; } }

        /// <summary>NUL-terminated bytes of <paramref name="s"/>; null stays null (the library reports it).</summary>
        public byte[] Encode(string s)
        {
            if (s == null) return null;
            var b = new byte[enc.GetByteCount(s) + UnitSize];
            enc.GetBytes(s, 0, s.Length, b, 0);
            return b;
        }

        /// <summary>An output buffer of <paramref name="units"/> characters (pass <paramref name="units"/> as its length).</summary>
        public byte[] Buffer(int units)
        {
            return new byte[units * UnitSize];
        }

        /// <summary>Decodes a buffer filled by the library, up to the first NUL character.</summary>
        public string Decode(byte[] buf)
        {
            return enc.GetString(buf, 0, TerminatedLength(buf, buf.Length));
        }

        /// <summary>Decodes a NUL-terminated string owned by the library.</summary>
        public string FromPtr(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            int n = 0;
            while (!IsNul(p, n)) n += UnitSize;
            var b = new byte[n];
            Marshal.Copy(p, b, 0, n);
            return enc.GetString(b);
        }

        /// <summary>Decodes a fixed-size character array of <paramref name="units"/> characters at
        /// <paramref name="byteOffset"/> inside a native struct.</summary>
        public string FromField(IntPtr structPtr, int byteOffset, int units)
        {
            var b = Buffer(units);
            Marshal.Copy(IntPtr.Add(structPtr, byteOffset), b, 0, b.Length);
            return Decode(b);
        }

        bool IsNul(IntPtr p, int offset)
        {
            return Wide ? Marshal.ReadInt16(p, offset) == 0 : Marshal.ReadByte(p, offset) == 0;
        }

        /// <summary>Bytes before the first NUL unit (whole units only).</summary>
        int TerminatedLength(byte[] buf, int limit)
        {
            int step = UnitSize;
            for (int i = 0; i + step <= limit; i += step)
            {
                if (buf[i] == 0 && (step == 1 || buf[i + 1] == 0)) return i;
            }
            return limit - limit % step;
        }
    }

    /// <summary>Minimal JSON reader: objects become Dictionary&lt;string, object&gt; (keys case-insensitive),
    /// arrays List&lt;object&gt;, numbers double/long, plus string, bool and null.</summary>
    public static class Json
    {
        public static object Parse(string text)
        {
            int i = 0;
            object v = Value(text, ref i);
            Ws(text, ref i);
            if (i != text.Length) throw new FormatException("trailing characters in JSON at " + i);
            return v;
        }

        static void Ws(string s, ref int i)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        }

        static object Value(string s, ref int i)
        {
            Ws(s, ref i);
            if (i >= s.Length) throw new FormatException("unexpected end of JSON");
            char c = s[i];
            if (c == '{')
            {
                var d = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
                i++; Ws(s, ref i);
                if (s[i] == '}') { i++; return d; }
                while (true)
                {
                    Ws(s, ref i);
                    string k = Str(s, ref i);
                    Ws(s, ref i);
                    if (s[i] != ':') throw new FormatException("expected ':' at " + i);
                    i++;
                    d[k] = Value(s, ref i);
                    Ws(s, ref i);
                    if (s[i] == ',') { i++; continue; }
                    if (s[i] == '}') { i++; return d; }
                    throw new FormatException("expected ',' or '}' at " + i);
                }
            }
            if (c == '[')
            {
                var l = new List<object>();
                i++; Ws(s, ref i);
                if (s[i] == ']') { i++; return l; }
                while (true)
                {
                    l.Add(Value(s, ref i));
                    Ws(s, ref i);
                    if (s[i] == ',') { i++; continue; }
                    if (s[i] == ']') { i++; return l; }
                    throw new FormatException("expected ',' or ']' at " + i);
                }
            }
            if (c == '"') return Str(s, ref i);
            if (string.CompareOrdinal(s, i, "true", 0, 4) == 0) { i += 4; return true; }
            if (string.CompareOrdinal(s, i, "false", 0, 5) == 0) { i += 5; return false; }
            if (string.CompareOrdinal(s, i, "null", 0, 4) == 0) { i += 4; return null; }
            int start = i;
            while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0) i++;
            if (start == i) throw new FormatException("unexpected character in JSON at " + i);
            string num = s.Substring(start, i - start);
            long lv;
            if (long.TryParse(num, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out lv)) return lv;
            ulong uv;
            if (ulong.TryParse(num, NumberStyles.None, CultureInfo.InvariantCulture, out uv)) return uv;
            return double.Parse(num, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        static string Str(string s, ref int i)
        {
            if (s[i] != '"') throw new FormatException("expected string at " + i);
            i++;
            var sb = new StringBuilder();
            while (true)
            {
                char c = s[i++];
                if (c == '"') return sb.ToString();
                if (c != '\\') { sb.Append(c); continue; }
                char e = s[i++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        sb.Append((char)int.Parse(s.Substring(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 4;
                        break;
                    default: throw new FormatException("bad escape in JSON at " + i);
                }
            }
        }

        // ---- typed access helpers used by the model classes ----
        internal static string S(Dictionary<string, object> o, string key)
        {
            object v;
            if (o == null || !o.TryGetValue(key, out v) || v == null) return "";
            if (v is string) return (string)v;
            if (v is bool) return (bool)v ? "true" : "false";
            return Convert.ToString(v, CultureInfo.InvariantCulture);
        }

        internal static long L(Dictionary<string, object> o, string key)
        {
            object v;
            if (o == null || !o.TryGetValue(key, out v) || v == null) return 0;
            if (v is bool) return (bool)v ? 1 : 0;
            if (v is string) { long r; return long.TryParse((string)v, NumberStyles.Integer, CultureInfo.InvariantCulture, out r) ? r : 0; }
            return Convert.ToInt64(v, CultureInfo.InvariantCulture);
        }

        internal static ulong UL(Dictionary<string, object> o, string key)
        {
            object v;
            if (o == null || !o.TryGetValue(key, out v) || v == null) return 0;
            if (v is ulong) return (ulong)v;
            long l = L(o, key);
            return l < 0 ? 0 : (ulong)l;
        }

        internal static bool B(Dictionary<string, object> o, string key)
        {
            object v;
            if (o == null || !o.TryGetValue(key, out v) || v == null) return false;
            if (v is bool) return (bool)v;
            return L(o, key) != 0;
        }

        internal static List<object> A(Dictionary<string, object> o, string key)
        {
            object v;
            if (o == null || !o.TryGetValue(key, out v)) return new List<object>();
            return v as List<object> ?? new List<object>();
        }
    }
}
