// OpenLex C# binding tests: run against a real openlex-server (scripts/with-server.sh provides
// OPENLEX_SERVER_BIN, OPENLEX_SERVER_DIR, OPENLEX_SERVER_URL). Self-contained (no test framework):
// prints one line per test and a final "N passed, M failed"; exits 1 on any failure.
//
//   mono tests.exe REPO_ROOT
// SPDX-License-Identifier: MIT OR Apache-2.0
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Cryptlex;
using S = Cryptlex.LexStatusCodes;

static class Tests
{
    static int passed, failed;
    static string repoRoot;

    // ---------------------------------------------------------------- assertion helpers
    class AssertionFailed : Exception { public AssertionFailed(string m) : base(m) { } }

    static void Test(string name, Action body)
    {
        try
        {
            body();
            passed++;
            Console.WriteLine("ok   - " + name);
        }
        catch (Exception e)
        {
            failed++;
            Console.WriteLine("FAIL - " + name + ": " + (e is AssertionFailed ? e.Message : e.ToString()));
        }
        Console.Out.Flush();
    }

    static void Eq<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            throw new AssertionFailed(what + ": expected <" + expected + ">, got <" + actual + ">");
    }

    static void True(bool cond, string what)
    {
        if (!cond) throw new AssertionFailed(what);
    }

    static LexActivatorException Throws(int code, Action body, string what)
    {
        try
        {
            body();
        }
        catch (LexActivatorException e)
        {
            if (e.Code != code)
                throw new AssertionFailed(what + ": expected LexActivatorException " + code + ", got " + e.Code + " (" + e.Message + ")");
            return e;
        }
        throw new AssertionFailed(what + ": expected LexActivatorException " + code + ", nothing thrown");
    }

    // ---------------------------------------------------------------- server CLI
    static string Quote(string a)
    {
        return "\"" + a.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }

    static Dictionary<string, object> Cli(params string[] args)
    {
        string bin = Env("OPENLEX_SERVER_BIN");
        var all = new List<string> { "--data-dir", Env("OPENLEX_SERVER_DIR") };
        all.AddRange(args);
        all.Add("--json");
        var psi = new ProcessStartInfo(bin, string.Join(" ", all.Select(Quote)))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using (var p = Process.Start(psi))
        {
            string stdout = p.StandardOutput.ReadToEnd();
            string stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new Exception("openlex-server " + string.Join(" ", args) + " failed (" + p.ExitCode + "): " + stderr);
            return (Dictionary<string, object>)Json.Parse(stdout);
        }
    }

    static string Env(string name)
    {
        string v = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(v)) throw new Exception(name + " is not set: run under scripts/with-server.sh");
        return v;
    }

    static string Str(Dictionary<string, object> o, string key) { return (string)o[key]; }

    static uint Now() { return (uint)(DateTime.UtcNow - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds; }

    // dlsym check that the native library really resolves each declared name.
    [DllImport("libdl.so.2")] static extern IntPtr dlopen(string file, int mode);
    [DllImport("libdl.so.2")] static extern IntPtr dlsym(IntPtr handle, string name);

    static string LibraryPath()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':'))
        {
            if (dir.Length == 0) continue;
            string p = Path.Combine(dir, "libLexActivator.so");
            if (File.Exists(p)) return p;
        }
        return Path.Combine(Env("OPENLEX_LIB_DIR"), "libLexActivator.so");
    }

    // ---------------------------------------------------------------- tests
    static int Main(string[] argv)
    {
        repoRoot = argv.Length > 0 ? argv[0] : Directory.GetCurrentDirectory();
        string dataDir = Path.Combine(Path.GetTempPath(), "openlex-dotnet-ü✓-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);

        try
        {
            Run(dataDir);
        }
        catch (Exception e)
        {
            failed++;
            Console.WriteLine("FAIL - test fixture: " + e);
        }

        Console.WriteLine(passed + " passed, " + failed + " failed");
        Console.Out.Flush();
        try { Directory.Delete(dataDir, true); } catch (Exception) { }
        Environment.Exit(failed == 0 ? 0 : 1);
        return 0;
    }

    static void Run(string dataDir)
    {
        Test("native declarations cover exports.txt exactly", () =>
        {
            var exports = new SortedSet<string>(File.ReadAllLines(Path.Combine(repoRoot, "exports.txt"))
                .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("#")));
            var declared = new SortedSet<string>();
            foreach (var m in typeof(LexActivatorNative).GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            {
                var attr = (DllImportAttribute)m.GetCustomAttributes(typeof(DllImportAttribute), false).FirstOrDefault();
                if (attr == null) continue;
                Eq("LexActivator", attr.Value, m.Name + " library");
                Eq(CallingConvention.Cdecl, attr.CallingConvention, m.Name + " calling convention");
                Eq(CharSet.Ansi, attr.CharSet, m.Name + " charset");
                string entry = string.IsNullOrEmpty(attr.EntryPoint) ? m.Name : attr.EntryPoint;
                True(declared.Add(entry), "declared twice: " + entry);
            }
            True(exports.Count > 100, "exports.txt has " + exports.Count + " names");
            var missing = exports.Except(declared).ToList();
            var extra = declared.Except(exports).ToList();
            True(missing.Count == 0, "not declared: " + string.Join(", ", missing));
            True(extra.Count == 0, "declared but not exported: " + string.Join(", ", extra));
        });

        Test("every declared entry point resolves in libLexActivator.so", () =>
        {
            string lib = LibraryPath();
            IntPtr h = dlopen(lib, 2 /* RTLD_NOW */);
            True(h != IntPtr.Zero, "dlopen " + lib);
            var unresolved = typeof(LexActivatorNative).GetMethods(BindingFlags.Static | BindingFlags.Public)
                .Where(m => (m.Attributes & MethodAttributes.PinvokeImpl) != 0)
                .Select(m => m.Name).Where(n => dlsym(h, n) == IntPtr.Zero).ToList();
            True(unresolved.Count == 0, "unresolved: " + string.Join(", ", unresolved));
        });

        Test("LexStatusCodes match include/LexStatusCodes.h", () =>
        {
            string header = File.ReadAllText(Path.Combine(repoRoot, "include", "LexStatusCodes.h"));
            var consts = typeof(LexStatusCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
                .ToDictionary(f => f.Name, f => (int)f.GetValue(null));
            int n = 0;
            foreach (Match m in Regex.Matches(header, @"^\s*(LA_[A-Z0-9_]+)\s*=\s*(\d+)", RegexOptions.Multiline))
            {
                string name = m.Groups[1].Value;
                True(consts.ContainsKey(name), "LexStatusCodes lacks " + name);
                Eq(int.Parse(m.Groups[2].Value), consts[name], name);
                n++;
            }
            True(n >= 75, "parsed " + n + " codes from the header");
            Eq(S.LA_RELEASE_UPDATE_NOT_AVAILABLE, S.LA_RELEASE_NO_UPDATE_AVAILABLE, "deprecated alias");
        });

        Test("LexActivatorException carries the vendor's messages", () =>
        {
            var e = new LexActivatorException(S.LA_E_LICENSE_KEY);
            Eq(54, e.Code, "code");
            Eq("Invalid license key.", e.Message, "message 54");
            Eq("The buffer size was smaller than required.", LexActivatorException.GetErrorMessage(S.LA_E_BUFFER_SIZE), "message 51");
            Eq("Invalid product data.", LexActivatorException.GetErrorMessage(S.LA_E_PRODUCT_DATA), "message 42");
            Eq("Unknown error!", LexActivatorException.GetErrorMessage(9999), "unknown code");
        });

        Test("NativeText: the binding uses UTF-8 char off Windows, UTF-16 wchar_t on Windows", () =>
        {
            bool windows = Environment.OSVersion.Platform == PlatformID.Win32NT;
            Eq(windows, NativeText.Platform.Wide, "NativeText.Platform.Wide");
            Eq(windows ? 2 : 1, NativeText.Platform.UnitSize, "NativeText.Platform.UnitSize");
        });

        Test("NativeText.Utf8: NUL-terminated UTF-8, buffers counted in bytes", () =>
        {
            var t = NativeText.Utf8;
            Eq("61-C3-A9-E2-82-AC-F0-9F-98-80-00", BitConverter.ToString(t.Encode("a\u00e9\u20ac\U0001F600")), "Encode");
            Eq(5, t.Buffer(5).Length, "Buffer(5) bytes");
            Eq("ab", t.Decode(new byte[] { 0x61, 0x62, 0, 0x63 }), "Decode stops at NUL");
            Eq("abc", t.Decode(new byte[] { 0x61, 0x62, 0x63 }), "Decode without NUL");
            True(t.Encode(null) == null, "null stays null");
        });

        Test("NativeText.Utf16: wchar_t strings as the Windows DLL takes them (length in characters)", () =>
        {
            var t = NativeText.Utf16;
            // U+20AC is AC 20 little-endian; U+1F600 is the surrogate pair D83D DE00; then a 2-byte NUL.
            Eq("61-00-E9-00-AC-20-3D-D8-00-DE-00-00", BitConverter.ToString(t.Encode("a\u00e9\u20ac\U0001F600")), "Encode");
            Eq(10, t.Buffer(5).Length, "Buffer(5) bytes");
            // A unit with a zero low byte (U+0100 is 00 01) is a character, not the terminator.
            Eq("\u0100b", t.Decode(new byte[] { 0x00, 0x01, 0x62, 0x00, 0x00, 0x00, 0x63, 0x00 }), "Decode stops at the NUL unit");
            Eq("\u20ac", t.Decode(new byte[] { 0xAC, 0x20, 0x41 }), "a trailing odd byte is ignored");
            IntPtr p = Marshal.AllocHGlobal(64);
            try
            {
                byte[] wide = t.Encode("x\u20ac\U0001F600");
                Marshal.Copy(wide, 0, p, wide.Length);
                Eq("x\u20ac\U0001F600", t.FromPtr(p), "FromPtr");
                Eq("\u20ac\U0001F600", t.FromField(p, 2, 8), "FromField at byte offset 2, 8 characters");
            }
            finally { Marshal.FreeHGlobal(p); }
        });

        Test("GetLibraryVersion", () =>
        {
            string v = LexActivator.GetLibraryVersion();
            True(Regex.IsMatch(v, @"^\d+\.\d+"), "version looks like x.y: " + v);
        });

        Test("calls before product data fail with LexActivatorException", () =>
        {
            var e = Throws(S.LA_E_PRODUCT_ID, () => LexActivator.GetLicenseKey(), "GetLicenseKey before setup");
            Eq("The product id is incorrect.", e.Message, "message");
        });

        // ---- server fixtures
        var user = Cli("user", "create", "--email", "dotnet@example.com", "--password", "s3cret-pw", "--name", "Dot Net", "--company", "Mono Ltd");
        var product = Cli("product", "create", "--name", "dotnet-binding");
        string productId = Str(product, "id"), productData = Str(product, "productData");
        string longValue = new string('x', 3000);
        var license = Cli("license", "create", "--product-id", productId, "--server-sync-interval", "1",
            "--allowed-activations", "3", "--user-id", Str(user, "id"),
            "--metadata", "plan=pro", "--metadata", "grüße=värde ✓ 日本", "--metadata", "long=" + longValue,
            "--meter-attribute", "api=100", "--max-allowed-release-version", "3.0.0");
        string key = Str(license, "key");
        Cli("release", "create", "--product-id", productId, "--version", "2.0.0", "--platform", "linux", "--notes", "newer build");

        Test("SetProductData rejects invalid data (LA_E_PRODUCT_DATA)", () =>
        {
            LexActivator.SetDataDirectory(dataDir);
            var e = Throws(S.LA_E_PRODUCT_DATA, () => LexActivator.SetProductData("not product data"), "bad product data");
            Eq("Invalid product data.", e.Message, "message");
        });

        Test("SetProductData + SetProductId + SetCryptlexHost", () =>
        {
            LexActivator.SetProductData(productData);
            LexActivator.SetProductId(productId, LexActivator.PermissionFlags.LA_USER);
            LexActivator.SetCryptlexHost(Env("OPENLEX_SERVER_URL"));
            Eq(productId, LexActivator.GetProductId(), "GetProductId");
        });

        Test("GetDataStoreInfo (JSON form and native struct form)", () =>
        {
            var info = LexActivator.GetDataStoreInfo();
            Eq("file", info.StorageKind, "storage kind");
            Eq("la-user", info.PermissionFlag, "permission flag");
            True(info.IsCustomDataDirectory, "custom data directory");
            True(info.Path.StartsWith(dataDir), "path " + info.Path + " under " + dataDir);
            // struct DataStoreInfo { char storageKind[256]; char permissionFlag[256]; uint32_t isCustom; char path[1024]; }
            IntPtr p = Marshal.AllocHGlobal(256 + 256 + 4 + 1024);
            try
            {
                Eq(S.LA_OK, LexActivatorNative.GetDataStoreInfo(p), "native status");
                Eq("file", NativeText.Utf8.FromField(p, 0, 256), "native storageKind");
                Eq("la-user", NativeText.Utf8.FromField(p, 256, 256), "native permissionFlag");
                Eq(1, Marshal.ReadInt32(p, 512), "native isCustomDataDirectory");
                Eq(info.Path, NativeText.Utf8.FromField(p, 516, 1024), "native path");
            }
            finally { Marshal.FreeHGlobal(p); }
        });

        Test("invalid license key throws LexActivatorException 54", () =>
        {
            var e = Throws(S.LA_E_LICENSE_KEY, () =>
            {
                LexActivator.SetLicenseKey("AAAAAA-BBBBBB-CCCCCC-DDDDDD-EEEEEE-FFFFFF");
                LexActivator.ActivateLicense();
            }, "activate unknown key");
            Eq("Invalid license key.", e.Message, "message");
        });

        Test("LookupLicense", () =>
        {
            var info = LexActivator.LookupLicense(key);
            Eq(key, info.Key, "key");
            Eq("node-locked", info.Type, "type");
        });

        var callbackStatuses = new List<uint>();
        var callbackEvent = new ManualResetEvent(false);
        int callbackThread = -1;
        LexActivator.CallbackType callback = status =>
        {
            lock (callbackStatuses) callbackStatuses.Add(status);
            callbackThread = Thread.CurrentThread.ManagedThreadId;
            callbackEvent.Set();
        };
        int mainThread = Thread.CurrentThread.ManagedThreadId;

        Test("ActivateLicense returns LA_OK", () =>
        {
            LexActivator.SetLicenseCallback(callback);
            LexActivator.SetLicenseKey(key);
            LexActivator.SetActivationMetadata("clé", "wert ✓ 値");
            LexActivator.SetAppVersion("1.2.3");
            Eq(S.LA_OK, LexActivator.ActivateLicense(), "ActivateLicense");
        });

        Test("IsLicenseGenuine / IsLicenseValid return LA_OK", () =>
        {
            Eq(S.LA_OK, LexActivator.IsLicenseGenuine(), "IsLicenseGenuine");
            Eq(S.LA_OK, LexActivator.IsLicenseValid(), "IsLicenseValid");
        });

        Test("license getters", () =>
        {
            Eq(key, LexActivator.GetLicenseKey(), "GetLicenseKey");
            Eq("node-locked", LexActivator.GetLicenseType(), "GetLicenseType");
            Eq(3L, LexActivator.GetLicenseAllowedActivations(), "allowed activations");
            Eq(1u, LexActivator.GetLicenseTotalActivations(), "total activations");
            Eq(-1L, LexActivator.GetLicenseAllowedDeactivations(), "allowed deactivations (unlimited)");
            Eq(0u, LexActivator.GetLicenseTotalDeactivations(), "total deactivations");
            Eq(0u, LexActivator.GetLicenseExpiryDate(), "lifetime license expiry");
            uint now = Now();
            True(Math.Abs((long)LexActivator.GetLicenseCreationDate() - now) < 600, "creation date near now");
            True(Math.Abs((long)LexActivator.GetLicenseActivationDate() - now) < 600, "activation date near now");
            True(LexActivator.GetActivationId().Length > 0, "activation id");
            Eq("3.0.0", LexActivator.GetLicenseMaxAllowedReleaseVersion(), "max allowed release version");
            Eq("dotnet@example.com", LexActivator.GetLicenseUserEmail(), "user email");
            Eq("Dot Net", LexActivator.GetLicenseUserName(), "user name");
            Eq("Mono Ltd", LexActivator.GetLicenseUserCompany(), "user company");
            var mode = LexActivator.GetActivationMode();
            Eq("online", mode.InitialMode, "initial mode");
            Eq("online", mode.CurrentMode, "current mode");
            True(LexActivator.GetServerSyncGracePeriodExpiryDate() > now, "grace period expiry in the future");
        });

        Test("metadata getters (UTF-8 both ways)", () =>
        {
            Eq("pro", LexActivator.GetLicenseMetadata("plan"), "license metadata");
            Eq("värde ✓ 日本", LexActivator.GetLicenseMetadata("grüße"), "non-ASCII key and value");
            Eq("wert ✓ 値", LexActivator.GetActivationMetadata("clé"), "activation metadata round trip");
            Throws(S.LA_E_METADATA_KEY_NOT_FOUND, () => LexActivator.GetLicenseMetadata("missing"), "missing key");
        });

        Test("string getters retry on LA_E_BUFFER_SIZE", () =>
        {
            // the raw call with a small buffer answers 51 and leaves the buffer untouched
            var small = new byte[8];
            for (int i = 0; i < small.Length; i++) small[i] = 0xAA;
            Eq(S.LA_E_BUFFER_SIZE, LexActivatorNative.GetLicenseKey(small, (uint)small.Length), "raw small buffer");
            True(small.All(b => b == 0xAA), "buffer untouched");
            // the wrapper grows its 256-byte buffer to fit a 3000-byte value
            Eq(longValue, LexActivator.GetLicenseMetadata("long"), "3000-byte metadata");
            int saved = LexActivator.InitialBufferSize;
            LexActivator.InitialBufferSize = 4;
            try { Eq(key, LexActivator.GetLicenseKey(), "key through a 4-byte start buffer"); }
            finally { LexActivator.InitialBufferSize = saved; }
        });

        Test("meter attributes", () =>
        {
            var m = LexActivator.GetLicenseMeterAttribute("api");
            Eq("api", m.Name, "name");
            Eq(100L, m.AllowedUses, "allowed uses");
            LexActivator.IncrementActivationMeterAttributeUses("api", 5);
            Eq(5u, LexActivator.GetActivationMeterAttributeUses("api"), "uses after increment");
            LexActivator.DecrementActivationMeterAttributeUses("api", 2);
            Eq(3u, LexActivator.GetActivationMeterAttributeUses("api"), "uses after decrement");
            Eq(3UL, LexActivator.GetLicenseMeterAttribute("api").TotalUses, "license total uses");
            LexActivator.ResetActivationMeterAttributeUses("api");
            Eq(0u, LexActivator.GetActivationMeterAttributeUses("api"), "uses after reset");
            Throws(S.LA_E_METER_ATTRIBUTE_NOT_FOUND, () => LexActivator.GetLicenseMeterAttribute("nope"), "unknown meter");
        });

        Test("feature entitlements and organization (empty license)", () =>
        {
            Eq(0, LexActivator.GetFeatureEntitlements().Count, "no entitlements");
            var addr = LexActivator.GetLicenseOrganizationAddress();
            True(addr == null || addr.City == "", "no organization address");
        });

        Test("license callback fires after a background server sync", () =>
        {
            // the binding must keep the delegate reachable: collect garbage before the sync fires
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            True(callbackEvent.WaitOne(TimeSpan.FromSeconds(20)), "callback within 20 s (sync interval 1 s)");
            lock (callbackStatuses) Eq((uint)S.LA_OK, callbackStatuses[0], "callback status");
            True(callbackThread != mainThread, "callback ran on a library thread");
            True(LexActivator.GetActivationLastSyncedDate() > 0, "last synced date set");
        });

        Test("CheckReleaseUpdate reports the newer release", () =>
        {
            LexActivator.SetReleaseVersion("1.0.0");
            LexActivator.SetReleasePlatform("linux");
            LexActivator.SetReleaseChannel("stable");
            var done = new ManualResetEvent(false);
            uint got = 0;
            Release rel = null;
            object ud = null;
            var marker = new object();
            LexActivator.CheckReleaseUpdate((status, release, userData) =>
            {
                got = status; rel = release; ud = userData; done.Set();
            }, LexActivator.ReleaseFlags.LA_RELEASES_ALL, marker);
            True(done.WaitOne(TimeSpan.FromSeconds(20)), "release callback within 20 s");
            Eq((uint)S.LA_RELEASE_UPDATE_AVAILABLE, got, "status");
            True(rel != null, "release passed");
            Eq("2.0.0", rel.Version, "version");
            Eq("stable", rel.Channel, "channel");
            True(rel.Platforms.Contains("linux"), "platforms");
            True(ReferenceEquals(marker, ud), "userData passed through");
        });

        Test("AuthenticateUser + GetUserLicenses", () =>
        {
            Throws(S.LA_E_AUTHENTICATION_FAILED, () => LexActivator.AuthenticateUser("dotnet@example.com", "wrong-password"), "bad password");
            Eq(S.LA_OK, LexActivator.AuthenticateUser("dotnet@example.com", "s3cret-pw"), "AuthenticateUser");
            var list = LexActivator.GetUserLicenses();
            True(list.Any(l => l.Key == key), "user's licenses include the key (" + list.Count + " licenses)");
            var mine = list.First(l => l.Key == key);
            Eq(3L, mine.AllowedActivations, "allowed activations");
            Eq("node-locked", mine.Type, "type");
        });

        Test("DeactivateLicense returns LA_OK, then IsLicenseGenuine returns LA_FAIL", () =>
        {
            Eq(S.LA_OK, LexActivator.DeactivateLicense(), "DeactivateLicense");
            Eq(S.LA_FAIL, LexActivator.IsLicenseGenuine(), "IsLicenseGenuine after deactivation");
        });

        Test("local trial: activate, genuine, extend", () =>
        {
            Eq(S.LA_OK, LexActivator.ActivateLocalTrial(30), "ActivateLocalTrial");
            Eq(S.LA_OK, LexActivator.IsLocalTrialGenuine(), "IsLocalTrialGenuine");
            // the library counts a day as 86,500 s (the vendor's quirk; see include/LexActivator.h)
            const long day = 86500;
            uint exp = LexActivator.GetLocalTrialExpiryDate();
            True(Math.Abs((long)exp - (Now() + 30 * day)) < 600, "expiry about 30 days ahead: " + exp + " (now " + Now() + ")");
            Eq(S.LA_OK, LexActivator.ActivateLocalTrial(30), "ActivateLocalTrial on an active trial");
            Eq(exp, LexActivator.GetLocalTrialExpiryDate(), "a second ActivateLocalTrial changes nothing");
            // ExtendLocalTrial sets the expiry to now + N days (the header's documented semantics)
            Eq(S.LA_OK, LexActivator.ExtendLocalTrial(60), "ExtendLocalTrial");
            uint extended = LexActivator.GetLocalTrialExpiryDate();
            True(extended > exp, "expiry moved later: " + exp + " -> " + extended);
            True(Math.Abs((long)extended - (Now() + 60 * day)) < 600, "expiry about 60 days ahead: " + extended);
        });

        Test("verified trial on a product with trials", () =>
        {
            var trialProduct = Cli("product", "create", "--name", "dotnet-trial", "--trial-length", "86400");
            LexActivator.SetProductData(Str(trialProduct, "productData"));
            LexActivator.SetProductId(Str(trialProduct, "id"), LexActivator.PermissionFlags.LA_IN_MEMORY);
            LexActivator.SetTrialActivationMetadata("source", "dotnet ✓");
            Eq(S.LA_OK, LexActivator.ActivateTrial(), "ActivateTrial");
            Eq(S.LA_OK, LexActivator.IsTrialGenuine(), "IsTrialGenuine");
            True(LexActivator.GetTrialId().Length > 0, "trial id");
            True(Math.Abs((long)LexActivator.GetTrialExpiryDate() - (Now() + 86400L)) < 600, "trial expiry about a day ahead");
            Eq("dotnet ✓", LexActivator.GetTrialActivationMetadata("source"), "trial metadata");
        });
    }
}
