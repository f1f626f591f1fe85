// OpenLex C# binding: raw P/Invoke declarations of every function libLexActivator exports
// (exports.txt). Strings cross the boundary as NUL-terminated byte arrays in the library's
// encoding (UTF-8 char on Unix, UTF-16 wchar_t on Windows), encoded and decoded explicitly (see
// NativeText), so marshalling does not depend on what the runtime takes CharSet.Ansi to mean.
// Output buffers are byte[] whose `length` argument counts characters.
// SPDX-License-Identifier: MIT OR Apache-2.0
using System;
using System.Runtime.InteropServices;

namespace Cryptlex
{
    /// <summary>Raw entry points of libLexActivator (one per exported name).</summary>
    public static class LexActivatorNative
    {
        /// <summary>Library name: libLexActivator.so on Linux, LexActivator.dll / libLexActivator.dylib elsewhere.</summary>
        public const string DllName = "LexActivator";

        /// <summary>Release update callback, struct form (Release* valid only during the call).</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void ReleaseCallbackType(int status, IntPtr release, IntPtr userData);

        /// <summary>Release update callback, JSON form (UTF-8 JSON valid only during the call).</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void ReleaseCallbackTypeInternal(int status, IntPtr releaseJson, IntPtr userData);

        // ---- activation ----
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int ActivateLicense();
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int ActivateLicenseOffline(byte[] filePath);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GenerateOfflineActivationRequest(byte[] filePath);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int DeactivateLicense();
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GenerateOfflineDeactivationRequest(byte[] filePath);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int IsLicenseGenuine();
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int IsLicenseValid();
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SyncLicenseActivation();

        // ---- product / license getters ----
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetProductMetadata(byte[] key, byte[] value, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetProductVersionName(byte[] name, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetProductVersionDisplayName(byte[] displayName, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetProductVersionFeatureFlag(byte[] name, ref uint enabled, byte[] data, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseEntitlementSetName(byte[] name, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseEntitlementSetDisplayName(byte[] displayName, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseEntitlementSetTier(ref long tier);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseMetadata(byte[] key, byte[] value, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseMeterAttribute(byte[] name, ref long allowedUses, ref ulong totalUses, ref ulong grossUses);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseKey(byte[] licenseKey, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseAllowedActivations(ref long allowedActivations);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseTotalActivations(ref uint totalActivations);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseAllowedDeactivations(ref long allowedDeactivations);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseTotalDeactivations(ref uint totalDeactivations);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseCreationDate(ref uint creationDate);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseActivationDate(ref uint activationDate);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetActivationCreationDate(ref uint activationCreationDate);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetActivationLastSyncedDate(ref uint activationLastSyncedDate);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseExpiryDate(ref uint expiryDate);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseMaintenanceExpiryDate(ref uint maintenanceExpiryDate);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseMaxAllowedReleaseVersion(byte[] maxAllowedReleaseVersion, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseUserEmail(byte[] email, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseUserName(byte[] name, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseUserCompany(byte[] company, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseUserMetadata(byte[] key, byte[] value, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseOrganizationName(byte[] organizationName, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseType(byte[] licenseType, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseLeaseDuration(ref long leaseDuration);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseLeasingStrategy(byte[] leasingStrategy, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetActivationId(byte[] id, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetActivationMetadata(byte[] key, byte[] value, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetActivationMode(byte[] initialMode, uint initialModeLength, byte[] currentMode, uint currentModeLength);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetActivationMeterAttributeUses(byte[] name, ref uint uses);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetServerSyncGracePeriodExpiryDate(ref uint expiryDate);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLastActivationError(ref uint errorPtr);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetTrialActivationMetadata(byte[] key, byte[] value, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetTrialExpiryDate(ref uint trialExpiryDate);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetTrialId(byte[] trialId, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLocalTrialExpiryDate(ref uint trialExpiryDate);

        // ---- meters ----
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int IncrementActivationMeterAttributeUses(byte[] name, uint increment);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int DecrementActivationMeterAttributeUses(byte[] name, uint decrement);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int ResetActivationMeterAttributeUses(byte[] name);

        // ---- releases ----
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int CheckReleaseUpdate(ReleaseCallbackType releaseUpdateCallback, uint releaseFlags, IntPtr userData);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int CheckReleaseUpdateInternal(ReleaseCallbackTypeInternal releaseUpdateCallback, uint releaseFlags, IntPtr userData);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int CheckForReleaseUpdate(byte[] platform, byte[] version, byte[] channel, LexActivator.CallbackType releaseUpdateCallback);

        // ---- users ----
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int AuthenticateUser(byte[] email, byte[] password);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int AuthenticateUserWithIdToken(byte[] idToken);

        // ---- setters ----
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetLicenseKey(byte[] licenseKey);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetProductKey(byte[] productKey);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetLicenseUserCredential(byte[] email, byte[] password);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetActivationLeaseDuration(long leaseDuration);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetActivationMetadata(byte[] key, byte[] value);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetTrialActivationMetadata(byte[] key, byte[] value);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetAppVersion(byte[] appVersion);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetReleaseVersion(byte[] releaseVersion);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetReleasePublishedDate(uint releasePublishedDate);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetReleasePlatform(byte[] releasePlatform);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetReleaseChannel(byte[] releaseChannel);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetOfflineActivationRequestMeterAttributeUses(byte[] name, uint uses);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetTwoFactorAuthenticationCode(byte[] twoFactorAuthenticationCode);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetProductFile(byte[] filePath);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetProductData(byte[] productData);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetProductId(byte[] productId, uint flags);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetDataDirectory(byte[] directoryPath);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetDebugMode(uint enable);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetCacheMode(uint enable);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetCustomDeviceFingerprint(byte[] fingerprint);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetNetworkProxy(byte[] proxy);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetCryptlexHost(byte[] host);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetTlsPeerVerification(uint enable);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SetLicenseCallback(LexActivator.CallbackType callback);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int MigrateToSystemWideActivation(uint oldPermissionFlag);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int Reset();

        // ---- library / account info ----
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLibraryVersion(byte[] libraryVersion, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetProductId(byte[] productId, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetAccountId(byte[] accountId, uint length);

        // ---- struct getters (IntPtr to a caller-allocated struct, layouts in LexTypes.h) and their JSON forms ----
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetFeatureEntitlements(IntPtr featureEntitlements, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetFeatureEntitlement(byte[] featureName, IntPtr featureEntitlement);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetFeatureEntitlementsInternal(byte[] featureEntitlementsJson, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetFeatureEntitlementInternal(byte[] featureName, byte[] featureEntitlementJson, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseOrganizationAddress(IntPtr organizationAddress);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetLicenseOrganizationAddressInternal(byte[] organizationAddress, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetUserLicenses(IntPtr userLicenses, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetUserLicensesInternal(byte[] userLicenses, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetDataStoreInfo(IntPtr dataStoreInfo);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GetDataStoreInfoInternal(byte[] dataStoreInfo, uint length);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int LookupLicense(byte[] licenseKey, IntPtr licenseLookupInfo);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int LookupLicenseInternal(byte[] licenseKey, byte[] licenseLookupInfo, uint length);

        // ---- trials ----
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int ActivateTrial();
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int SyncTrialActivation();
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int ActivateTrialOffline(byte[] filePath);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int GenerateOfflineTrialActivationRequest(byte[] filePath);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int IsTrialGenuine();
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int ActivateLocalTrial(uint trialLength);
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int IsLocalTrialGenuine();
        [DllImport(DllName, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
        public static extern int ExtendLocalTrial(uint trialExtensionLength);
    }
}
