// OpenLex C# binding: UTF-8 helpers and a small JSON reader for the *Internal (JSON) entry points,
// so the binding needs nothing beyond the base class library.
// SPDX-License-Identifier: MIT OR Apache-2.0
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Cryptlex
{
    /// <summary>Explicit UTF-8 marshalling: strings in as NUL-terminated UTF-8, buffers out decoded up to the first NUL.</summary>
    public static class Utf8
    {
        static readonly UTF8Encoding Enc = new UTF8Encoding(false, false);

        /// <summary>NUL-terminated UTF-8 bytes of <paramref name="s"/>; null stays null (the library reports it).</summary>
        public static byte[] Encode(string s)
        {
            if (s == null) return null;
            int n = Enc.GetByteCount(s);
            var b = new byte[n + 1];
            Enc.GetBytes(s, 0, s.Length, b, 0);
            return b;
        }

        /// <summary>Decodes a buffer filled by the library (up to the first NUL).</summary>
        public static string Decode(byte[] buf)
        {
            int n = Array.IndexOf(buf, (byte)0);
            if (n < 0) n = buf.Length;
            return Enc.GetString(buf, 0, n);
        }

        /// <summary>Decodes a NUL-terminated UTF-8 string owned by the library.</summary>
        public static string FromPtr(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            var b = new byte[n];
            Marshal.Copy(p, b, 0, n);
            return Enc.GetString(b);
        }

        /// <summary>Decodes a fixed-size char field inside a native struct.</summary>
        public static string FromField(IntPtr structPtr, int offset, int size)
        {
            var b = new byte[size];
            Marshal.Copy(IntPtr.Add(structPtr, offset), b, 0, size);
            return Decode(b);
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
