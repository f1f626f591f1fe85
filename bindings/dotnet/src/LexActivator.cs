// OpenLex C# binding: the `Cryptlex.LexActivator` static class, source-compatible with the
// vendor's .NET wrapper (same method names, argument and return types, LexActivatorException).
// Setters throw on any status but LA_OK; status-returning calls (ActivateLicense,
// IsLicenseGenuine, ...) return the "success-like" statuses and throw on errors; string getters
// retry with a bigger buffer on LA_E_BUFFER_SIZE.
// SPDX-License-Identifier: MIT OR Apache-2.0
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using N = Cryptlex.LexActivatorNative;
using S = Cryptlex.LexStatusCodes;

namespace Cryptlex
{
    public static class LexActivator
    {
        /// <summary>Where activation data is stored.</summary>
        public enum PermissionFlags : uint
        {
            /// <summary>Per-OS-user storage; no admin rights needed.</summary>
            LA_USER = 1,
            /// <summary>Machine-wide storage; needs admin/root.</summary>
            LA_SYSTEM = 2,
            /// <summary>System-wide storage for all users (Windows; per-user elsewhere).</summary>
            LA_ALL_USERS = 3,
            /// <summary>Nothing persisted; re-activate on every start (floating licenses).</summary>
            LA_IN_MEMORY = 4,
        }

        /// <summary>Which releases CheckReleaseUpdate reports.</summary>
        public enum ReleaseFlags : uint
        {
            LA_RELEASES_ALL = 1,
            LA_RELEASES_ALLOWED = 2,
        }

        /// <summary>License callback: called on a library thread after each server sync.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void CallbackType(uint status);

        /// <summary>Release update callback of CheckReleaseUpdate (runs on a library thread).</summary>
        public delegate void ReleaseUpdateCallbackType(uint status, Release release, object userData);

        /// <summary>Initial buffer size (characters) of string getters; they grow it on LA_E_BUFFER_SIZE.</summary>
        public static int InitialBufferSize = 256;
        const int MaxBufferSize = 64 * 1024 * 1024;

        // Delegates handed to native code must outlive the registration: keep them reachable.
        static readonly List<Delegate> keepAlive = new List<Delegate>();
        static readonly object keepAliveLock = new object();

        static void Keep(Delegate d)
        {
            lock (keepAliveLock) keepAlive.Add(d);
        }

        /// <summary>How strings cross to the library on this platform (UTF-16 on Windows, UTF-8 elsewhere).</summary>
        static readonly NativeText T = NativeText.Platform;

        static byte[] U(string s) { return T.Encode(s); }

        static void Check(int status)
        {
            if (status != S.LA_OK) throw new LexActivatorException(status);
        }

        /// <summary>Returns status if it is one of <paramref name="allowed"/>, else throws.</summary>
        static int Allow(int status, params int[] allowed)
        {
            if (Array.IndexOf(allowed, status) >= 0) return status;
            throw new LexActivatorException(status);
        }

        delegate int BufferCall(byte[] buffer, uint length);

        /// <summary>Calls a string getter, doubling the buffer while it answers LA_E_BUFFER_SIZE.</summary>
        static string GetString(BufferCall call)
        {
            int size = Math.Max(InitialBufferSize, 2);
            while (true)
            {
                var buf = T.Buffer(size);
                int status = call(buf, (uint)size);
                if (status == S.LA_OK) return T.Decode(buf);
                if (status == S.LA_E_BUFFER_SIZE && size < MaxBufferSize)
                {
                    size *= 2;
                    continue;
                }
                throw new LexActivatorException(status);
            }
        }

        static Dictionary<string, object> JsonObject(string json)
        {
            if (string.IsNullOrEmpty(json)) return null;
            return Json.Parse(json) as Dictionary<string, object>;
        }

        static List<object> JsonArray(string json)
        {
            if (string.IsNullOrEmpty(json)) return new List<object>();
            return Json.Parse(json) as List<object> ?? new List<object>();
        }

        /// <summary>Numeric getters of dates/counts: the value, 0 on LA_FAIL (as the vendor's wrapper).</summary>
        static uint ZeroOnFail(int status, uint value)
        {
            if (status == S.LA_OK) return value;
            if (status == S.LA_FAIL) return 0;
            throw new LexActivatorException(status);
        }

        // ================================ setup ================================

        /// <summary>Sets the absolute path of the Product.dat file.</summary>
        public static void SetProductFile(string filePath) { Check(N.SetProductFile(U(filePath))); }

        /// <summary>Embeds the Product.dat content (the product's "productData").</summary>
        public static void SetProductData(string productData) { Check(N.SetProductData(U(productData))); }

        /// <summary>Sets the product id and where activation data is stored.</summary>
        public static void SetProductId(string productId, PermissionFlags flags) { Check(N.SetProductId(U(productId), (uint)flags)); }

        /// <summary>Changes the directory used to store activation data (call before SetProductData).</summary>
        public static void SetDataDirectory(string directoryPath) { Check(N.SetDataDirectory(U(directoryPath))); }

        /// <summary>Enables (1) or disables (0) network logs.</summary>
        public static void SetDebugMode(uint enable) { Check(N.SetDebugMode(enable)); }

        /// <summary>Enables or disables in-memory caching.</summary>
        public static void SetCacheMode(bool enable) { Check(N.SetCacheMode(enable ? 1u : 0u)); }

        /// <summary>Sets a custom device fingerprint (64..256 characters).</summary>
        public static void SetCustomDeviceFingerprint(string fingerprint) { Check(N.SetCustomDeviceFingerprint(U(fingerprint))); }

        /// <summary>Sets the license key to activate.</summary>
        public static void SetLicenseKey(string licenseKey) { Check(N.SetLicenseKey(U(licenseKey))); }

        /// <summary>Deprecated vendor call kept for compatibility.</summary>
        public static void SetProductKey(string productKey) { Check(N.SetProductKey(U(productKey))); }

        /// <summary>Sets the license user's email and password (licenses that require authentication).</summary>
        public static void SetLicenseUserCredential(string email, string password) { Check(N.SetLicenseUserCredential(U(email), U(password))); }

        /// <summary>Sets the license callback, invoked on a library thread after each server sync.
        /// The delegate is kept alive by the binding.</summary>
        public static void SetLicenseCallback(CallbackType callback)
        {
            if (callback == null) throw new ArgumentNullException("callback");
            Keep(callback);
            Check(N.SetLicenseCallback(callback));
        }

        /// <summary>Sets the activation lease duration (seconds).</summary>
        public static void SetActivationLeaseDuration(long leaseDuration) { Check(N.SetActivationLeaseDuration(leaseDuration)); }

        /// <summary>Sets activation metadata (sent with the activation).</summary>
        public static void SetActivationMetadata(string key, string value) { Check(N.SetActivationMetadata(U(key), U(value))); }

        /// <summary>Sets trial activation metadata.</summary>
        public static void SetTrialActivationMetadata(string key, string value) { Check(N.SetTrialActivationMetadata(U(key), U(value))); }

        /// <summary>Sets the app version shown with the activation.</summary>
        public static void SetAppVersion(string appVersion) { Check(N.SetAppVersion(U(appVersion))); }

        /// <summary>Sets the release version (x.x, x.x.x or x.x.x.x).</summary>
        public static void SetReleaseVersion(string releaseVersion) { Check(N.SetReleaseVersion(U(releaseVersion))); }

        /// <summary>Sets the release published date (unix seconds).</summary>
        public static void SetReleasePublishedDate(uint releasePublishedDate) { Check(N.SetReleasePublishedDate(releasePublishedDate)); }

        /// <summary>Sets the release platform, e.g. windows, macos, linux.</summary>
        public static void SetReleasePlatform(string releasePlatform) { Check(N.SetReleasePlatform(U(releasePlatform))); }

        /// <summary>Sets the release channel, e.g. stable, beta.</summary>
        public static void SetReleaseChannel(string releaseChannel) { Check(N.SetReleaseChannel(U(releaseChannel))); }

        /// <summary>Sets meter attribute uses for the offline activation request.</summary>
        public static void SetOfflineActivationRequestMeterAttributeUses(string name, uint uses) { Check(N.SetOfflineActivationRequestMeterAttributeUses(U(name), uses)); }

        /// <summary>Sets the network proxy: [protocol://][username:password@]machine[:port].</summary>
        public static void SetNetworkProxy(string proxy) { Check(N.SetNetworkProxy(U(proxy))); }

        /// <summary>Sets the license server host (on-premise / OpenLex server URL).</summary>
        public static void SetCryptlexHost(string host) { Check(N.SetCryptlexHost(U(host))); }

        /// <summary>Enables or disables TLS peer verification.</summary>
        public static void SetTlsPeerVerification(bool enable) { Check(N.SetTlsPeerVerification(enable ? 1u : 0u)); }

        /// <summary>Sets the two-factor authentication code for user authentication.</summary>
        public static void SetTwoFactorAuthenticationCode(string twoFactorAuthenticationCode) { Check(N.SetTwoFactorAuthenticationCode(U(twoFactorAuthenticationCode))); }

        /// <summary>Migrates activation data stored with <paramref name="oldPermissionFlag"/> to system-wide storage.</summary>
        public static void MigrateToSystemWideActivation(PermissionFlags oldPermissionFlag) { Check(N.MigrateToSystemWideActivation((uint)oldPermissionFlag)); }

        /// <summary>Resets activation and trial data (developer testing only).</summary>
        public static void Reset() { Check(N.Reset()); }

        // ================================ getters ================================

        public static string GetProductMetadata(string key) { var k = U(key); return GetString((b, n) => N.GetProductMetadata(k, b, n)); }

        public static string GetProductVersionName() { return GetString(N.GetProductVersionName); }

        public static string GetProductVersionDisplayName() { return GetString(N.GetProductVersionDisplayName); }

        public static ProductVersionFeatureFlag GetProductVersionFeatureFlag(string name)
        {
            var k = U(name);
            uint enabled = 0;
            string data = GetString((b, n) => N.GetProductVersionFeatureFlag(k, ref enabled, b, n));
            return new ProductVersionFeatureFlag(name, enabled > 0, data);
        }

        public static string GetLicenseEntitlementSetName() { return GetString(N.GetLicenseEntitlementSetName); }

        public static string GetLicenseEntitlementSetDisplayName() { return GetString(N.GetLicenseEntitlementSetDisplayName); }

        public static long GetLicenseEntitlementSetTier()
        {
            long tier = 0;
            Check(N.GetLicenseEntitlementSetTier(ref tier));
            return tier;
        }

        public static List<FeatureEntitlement> GetFeatureEntitlements()
        {
            var list = new List<FeatureEntitlement>();
            foreach (var o in JsonArray(GetString(N.GetFeatureEntitlementsInternal)))
            {
                var d = o as Dictionary<string, object>;
                if (d != null) list.Add(FeatureEntitlement.From(d));
            }
            return list;
        }

        public static FeatureEntitlement GetFeatureEntitlement(string featureName)
        {
            var k = U(featureName);
            var d = JsonObject(GetString((b, n) => N.GetFeatureEntitlementInternal(k, b, n)));
            return d == null ? null : FeatureEntitlement.From(d);
        }

        public static string GetLicenseMetadata(string key) { var k = U(key); return GetString((b, n) => N.GetLicenseMetadata(k, b, n)); }

        public static LicenseMeterAttribute GetLicenseMeterAttribute(string name)
        {
            long allowed = 0;
            ulong total = 0, gross = 0;
            Check(N.GetLicenseMeterAttribute(U(name), ref allowed, ref total, ref gross));
            return new LicenseMeterAttribute(name, allowed, total, gross);
        }

        public static string GetLicenseKey() { return GetString(N.GetLicenseKey); }

        /// <summary>Allowed activations (-1 = unlimited; 0 when unknown).</summary>
        public static long GetLicenseAllowedActivations()
        {
            long v = 0;
            int st = N.GetLicenseAllowedActivations(ref v);
            if (st == S.LA_FAIL) return 0;
            Check(st);
            return v;
        }

        public static uint GetLicenseTotalActivations() { uint v = 0; return ZeroOnFail(N.GetLicenseTotalActivations(ref v), v); }

        /// <summary>Allowed deactivations (-1 = unlimited; 0 when unknown).</summary>
        public static long GetLicenseAllowedDeactivations()
        {
            long v = 0;
            int st = N.GetLicenseAllowedDeactivations(ref v);
            if (st == S.LA_FAIL) return 0;
            Check(st);
            return v;
        }

        public static uint GetLicenseTotalDeactivations() { uint v = 0; return ZeroOnFail(N.GetLicenseTotalDeactivations(ref v), v); }

        public static uint GetLicenseCreationDate() { uint v = 0; return ZeroOnFail(N.GetLicenseCreationDate(ref v), v); }

        public static uint GetLicenseActivationDate() { uint v = 0; return ZeroOnFail(N.GetLicenseActivationDate(ref v), v); }

        public static uint GetActivationCreationDate() { uint v = 0; return ZeroOnFail(N.GetActivationCreationDate(ref v), v); }

        public static uint GetActivationLastSyncedDate() { uint v = 0; return ZeroOnFail(N.GetActivationLastSyncedDate(ref v), v); }

        public static uint GetLicenseExpiryDate() { uint v = 0; return ZeroOnFail(N.GetLicenseExpiryDate(ref v), v); }

        public static uint GetLicenseMaintenanceExpiryDate() { uint v = 0; return ZeroOnFail(N.GetLicenseMaintenanceExpiryDate(ref v), v); }

        public static string GetLicenseMaxAllowedReleaseVersion() { return GetString(N.GetLicenseMaxAllowedReleaseVersion); }

        public static string GetLicenseUserEmail() { return GetString(N.GetLicenseUserEmail); }

        public static string GetLicenseUserName() { return GetString(N.GetLicenseUserName); }

        public static string GetLicenseUserCompany() { return GetString(N.GetLicenseUserCompany); }

        public static string GetLicenseUserMetadata(string key) { var k = U(key); return GetString((b, n) => N.GetLicenseUserMetadata(k, b, n)); }

        public static string GetLicenseOrganizationName() { return GetString(N.GetLicenseOrganizationName); }

        /// <summary>The organization address, or null when the license has none.</summary>
        public static OrganizationAddress GetLicenseOrganizationAddress()
        {
            var d = JsonObject(GetString(N.GetLicenseOrganizationAddressInternal));
            return d == null ? null : OrganizationAddress.From(d);
        }

        /// <summary>The authenticated user's licenses (network call; AuthenticateUser first).</summary>
        public static List<UserLicense> GetUserLicenses()
        {
            var list = new List<UserLicense>();
            foreach (var o in JsonArray(GetString(N.GetUserLicensesInternal)))
            {
                var d = o as Dictionary<string, object>;
                if (d != null) list.Add(UserLicense.From(d));
            }
            return list;
        }

        public static string GetLicenseType() { return GetString(N.GetLicenseType); }

        public static long GetLicenseLeaseDuration()
        {
            long v = 0;
            Check(N.GetLicenseLeaseDuration(ref v));
            return v;
        }

        public static string GetLicenseLeasingStrategy() { return GetString(N.GetLicenseLeasingStrategy); }

        public static string GetActivationId() { return GetString(N.GetActivationId); }

        public static string GetActivationMetadata(string key) { var k = U(key); return GetString((b, n) => N.GetActivationMetadata(k, b, n)); }

        public static ActivationMode GetActivationMode()
        {
            int size = Math.Max(InitialBufferSize, 2);
            while (true)
            {
                var initial = T.Buffer(size);
                var current = T.Buffer(size);
                int st = N.GetActivationMode(initial, (uint)size, current, (uint)size);
                if (st == S.LA_OK) return new ActivationMode(T.Decode(initial), T.Decode(current));
                if (st == S.LA_E_BUFFER_SIZE && size < MaxBufferSize) { size *= 2; continue; }
                throw new LexActivatorException(st);
            }
        }

        public static uint GetActivationMeterAttributeUses(string name)
        {
            uint uses = 0;
            Check(N.GetActivationMeterAttributeUses(U(name), ref uses));
            return uses;
        }

        public static uint GetServerSyncGracePeriodExpiryDate() { uint v = 0; return ZeroOnFail(N.GetServerSyncGracePeriodExpiryDate(ref v), v); }

        /// <summary>The status code of the last failed activation (LA_OK if none).</summary>
        public static uint GetLastActivationError()
        {
            uint v = 0;
            Check(N.GetLastActivationError(ref v));
            return v;
        }

        public static string GetTrialActivationMetadata(string key) { var k = U(key); return GetString((b, n) => N.GetTrialActivationMetadata(k, b, n)); }

        public static uint GetTrialExpiryDate() { uint v = 0; return ZeroOnFail(N.GetTrialExpiryDate(ref v), v); }

        public static string GetTrialId() { return GetString(N.GetTrialId); }

        public static uint GetLocalTrialExpiryDate() { uint v = 0; return ZeroOnFail(N.GetLocalTrialExpiryDate(ref v), v); }

        public static string GetLibraryVersion() { return GetString(N.GetLibraryVersion); }

        public static string GetProductId() { return GetString(N.GetProductId); }

        public static string GetAccountId() { return GetString(N.GetAccountId); }

        /// <summary>Where the library stores its data (valid after SetProductId).</summary>
        public static DataStoreInfo GetDataStoreInfo()
        {
            return DataStoreInfo.From(JsonObject(GetString(N.GetDataStoreInfoInternal)));
        }

        /// <summary>Looks a license key up on the server: its key and type.</summary>
        public static LicenseLookupInfo LookupLicense(string licenseKey)
        {
            var k = U(licenseKey);
            return LicenseLookupInfo.From(JsonObject(GetString((b, n) => N.LookupLicenseInternal(k, b, n))));
        }

        // ================================ releases ================================

        /// <summary>Checks for a newer release; the callback runs on a library thread with
        /// LA_RELEASE_UPDATE_AVAILABLE, LA_RELEASE_UPDATE_NOT_AVAILABLE,
        /// LA_RELEASE_UPDATE_AVAILABLE_NOT_ALLOWED or an error status.</summary>
        public static void CheckReleaseUpdate(ReleaseUpdateCallbackType releaseUpdateCallback, ReleaseFlags releaseFlags, object userData)
        {
            if (releaseUpdateCallback == null) throw new ArgumentNullException("releaseUpdateCallback");
            N.ReleaseCallbackTypeInternal native = (status, releaseJson, ignored) =>
            {
                Release release = null;
                string json = T.FromPtr(releaseJson);
                if (!string.IsNullOrEmpty(json))
                {
                    var d = JsonObject(json);
                    if (d != null) release = Release.From(d);
                }
                releaseUpdateCallback((uint)status, release, userData);
            };
            Keep(native);
            Check(N.CheckReleaseUpdateInternal(native, (uint)releaseFlags, IntPtr.Zero));
        }

        /// <summary>Deprecated: checks for a release update of platform/version/channel.</summary>
        public static void CheckForReleaseUpdate(string platform, string version, string channel, CallbackType callback)
        {
            if (callback == null) throw new ArgumentNullException("callback");
            Keep(callback);
            Check(N.CheckForReleaseUpdate(U(platform), U(version), U(channel), callback));
        }

        // ================================ users ================================

        /// <summary>Authenticates the user with the server; returns LA_OK or throws.</summary>
        public static int AuthenticateUser(string email, string password) { return Allow(N.AuthenticateUser(U(email), U(password)), S.LA_OK); }

        /// <summary>Authenticates the user with an OIDC id token; returns LA_OK or throws.</summary>
        public static int AuthenticateUserWithIdToken(string idToken) { return Allow(N.AuthenticateUserWithIdToken(U(idToken)), S.LA_OK); }

        // ================================ activation ================================

        /// <summary>Activates the license. Returns LA_OK, LA_EXPIRED, LA_SUSPENDED or LA_FAIL; throws on errors.</summary>
        public static int ActivateLicense() { return Allow(N.ActivateLicense(), S.LA_OK, S.LA_EXPIRED, S.LA_SUSPENDED, S.LA_FAIL); }

        /// <summary>Activates from an offline response file. Returns LA_OK, LA_EXPIRED, LA_SUSPENDED or LA_FAIL.</summary>
        public static int ActivateLicenseOffline(string filePath) { return Allow(N.ActivateLicenseOffline(U(filePath)), S.LA_OK, S.LA_EXPIRED, S.LA_SUSPENDED, S.LA_FAIL); }

        public static void GenerateOfflineActivationRequest(string filePath) { Check(N.GenerateOfflineActivationRequest(U(filePath))); }

        /// <summary>Deactivates the license. Returns LA_OK or LA_FAIL; throws on errors.</summary>
        public static int DeactivateLicense() { return Allow(N.DeactivateLicense(), S.LA_OK, S.LA_FAIL); }

        /// <summary>Writes an offline deactivation request and deactivates locally. Returns LA_OK or LA_FAIL.</summary>
        public static int GenerateOfflineDeactivationRequest(string filePath) { return Allow(N.GenerateOfflineDeactivationRequest(U(filePath)), S.LA_OK, S.LA_FAIL); }

        /// <summary>Verifies the activation (and schedules server syncs). Returns LA_OK, LA_EXPIRED,
        /// LA_SUSPENDED, LA_GRACE_PERIOD_OVER or LA_FAIL; throws on errors.</summary>
        public static int IsLicenseGenuine() { return Allow(N.IsLicenseGenuine(), S.LA_OK, S.LA_EXPIRED, S.LA_SUSPENDED, S.LA_GRACE_PERIOD_OVER, S.LA_FAIL); }

        /// <summary>Verifies the activation locally only. Same statuses as IsLicenseGenuine.</summary>
        public static int IsLicenseValid() { return Allow(N.IsLicenseValid(), S.LA_OK, S.LA_EXPIRED, S.LA_SUSPENDED, S.LA_GRACE_PERIOD_OVER, S.LA_FAIL); }

        /// <summary>Syncs the activation with the server now. Returns LA_OK, LA_EXPIRED, LA_SUSPENDED,
        /// LA_GRACE_PERIOD_OVER or LA_FAIL; throws on errors.</summary>
        public static int SyncLicenseActivation() { return Allow(N.SyncLicenseActivation(), S.LA_OK, S.LA_EXPIRED, S.LA_SUSPENDED, S.LA_GRACE_PERIOD_OVER, S.LA_FAIL); }

        // ================================ trials ================================

        /// <summary>Starts the verified trial. Returns LA_OK, LA_TRIAL_EXPIRED or LA_FAIL.</summary>
        public static int ActivateTrial() { return Allow(N.ActivateTrial(), S.LA_OK, S.LA_TRIAL_EXPIRED, S.LA_FAIL); }

        /// <summary>Syncs the verified trial with the server. Returns LA_OK, LA_TRIAL_EXPIRED or LA_FAIL.</summary>
        public static int SyncTrialActivation() { return Allow(N.SyncTrialActivation(), S.LA_OK, S.LA_TRIAL_EXPIRED, S.LA_FAIL); }

        public static int ActivateTrialOffline(string filePath) { return Allow(N.ActivateTrialOffline(U(filePath)), S.LA_OK, S.LA_TRIAL_EXPIRED, S.LA_FAIL); }

        public static void GenerateOfflineTrialActivationRequest(string filePath) { Check(N.GenerateOfflineTrialActivationRequest(U(filePath))); }

        /// <summary>Verifies the verified trial. Returns LA_OK, LA_TRIAL_EXPIRED or LA_FAIL.</summary>
        public static int IsTrialGenuine() { return Allow(N.IsTrialGenuine(), S.LA_OK, S.LA_TRIAL_EXPIRED, S.LA_FAIL); }

        /// <summary>Starts the local (unverified) trial. Returns LA_OK, LA_LOCAL_TRIAL_EXPIRED or LA_FAIL.</summary>
        public static int ActivateLocalTrial(uint trialLength) { return Allow(N.ActivateLocalTrial(trialLength), S.LA_OK, S.LA_LOCAL_TRIAL_EXPIRED, S.LA_FAIL); }

        /// <summary>Verifies the local trial. Returns LA_OK, LA_LOCAL_TRIAL_EXPIRED or LA_FAIL.</summary>
        public static int IsLocalTrialGenuine() { return Allow(N.IsLocalTrialGenuine(), S.LA_OK, S.LA_LOCAL_TRIAL_EXPIRED, S.LA_FAIL); }

        /// <summary>Extends the local trial by days. Returns LA_OK or LA_FAIL.</summary>
        public static int ExtendLocalTrial(uint trialExtensionLength) { return Allow(N.ExtendLocalTrial(trialExtensionLength), S.LA_OK, S.LA_FAIL); }

        // ================================ meters ================================

        public static void IncrementActivationMeterAttributeUses(string name, uint increment) { Check(N.IncrementActivationMeterAttributeUses(U(name), increment)); }

        public static void DecrementActivationMeterAttributeUses(string name, uint decrement) { Check(N.DecrementActivationMeterAttributeUses(U(name), decrement)); }

        public static void ResetActivationMeterAttributeUses(string name) { Check(N.ResetActivationMeterAttributeUses(U(name))); }
    }
}
