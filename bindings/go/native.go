package lexactivator

import "unsafe"

// Native entry points, one per name in the repository's exports.txt. Each is
// filled in by Load with purego.RegisterFunc; a symbol the loaded library does
// not export stays nil and the Go function that uses it returns LA_FAIL.
//
// C types: int -> int32, uint32_t -> uint32, int64_t -> int64, CSTRTYPE and
// STRTYPE -> *cchar, struct and void pointers -> unsafe.Pointer, function
// pointers -> uintptr (made with purego.NewCallback).
var (
	cActivateLicense                               func() int32
	cActivateLicenseOffline                        func(filePath *cchar) int32
	cActivateLocalTrial                            func(trialLength uint32) int32
	cActivateTrial                                 func() int32
	cActivateTrialOffline                          func(filePath *cchar) int32
	cAuthenticateUser                              func(email, password *cchar) int32
	cAuthenticateUserWithIdToken                   func(idToken *cchar) int32
	cCheckForReleaseUpdate                         func(platform, version, channel *cchar, cb uintptr) int32
	cCheckReleaseUpdate                            func(cb uintptr, releaseFlags uint32, userData uintptr) int32
	cCheckReleaseUpdateInternal                    func(cb uintptr, releaseFlags uint32, userData uintptr) int32
	cDeactivateLicense                             func() int32
	cDecrementActivationMeterAttributeUses         func(name *cchar, decrement uint32) int32
	cExtendLocalTrial                              func(trialExtensionLength uint32) int32
	cGenerateOfflineActivationRequest              func(filePath *cchar) int32
	cGenerateOfflineDeactivationRequest            func(filePath *cchar) int32
	cGenerateOfflineTrialActivationRequest         func(filePath *cchar) int32
	cGetAccountId                                  func(buf *cchar, length uint32) int32
	cGetActivationCreationDate                     func(out *uint32) int32
	cGetActivationId                               func(buf *cchar, length uint32) int32
	cGetActivationLastSyncedDate                   func(out *uint32) int32
	cGetActivationMetadata                         func(key *cchar, buf *cchar, length uint32) int32
	cGetActivationMeterAttributeUses               func(name *cchar, uses *uint32) int32
	cGetActivationMode                             func(initial *cchar, initialLength uint32, current *cchar, currentLength uint32) int32
	cGetDataStoreInfo                              func(info unsafe.Pointer) int32
	cGetDataStoreInfoInternal                      func(buf *cchar, length uint32) int32
	cGetFeatureEntitlement                         func(name *cchar, fe unsafe.Pointer) int32
	cGetFeatureEntitlementInternal                 func(name *cchar, buf *cchar, length uint32) int32
	cGetFeatureEntitlements                        func(fes unsafe.Pointer, length uint32) int32
	cGetFeatureEntitlementsInternal                func(buf *cchar, length uint32) int32
	cGetLastActivationError                        func(out *uint32) int32
	cGetLibraryVersion                             func(buf *cchar, length uint32) int32
	cGetLicenseActivationDate                      func(out *uint32) int32
	cGetLicenseAllowedActivations                  func(out *int64) int32
	cGetLicenseAllowedDeactivations                func(out *int64) int32
	cGetLicenseCreationDate                        func(out *uint32) int32
	cGetLicenseEntitlementSetDisplayName           func(buf *cchar, length uint32) int32
	cGetLicenseEntitlementSetName                  func(buf *cchar, length uint32) int32
	cGetLicenseEntitlementSetTier                  func(out *int64) int32
	cGetLicenseExpiryDate                          func(out *uint32) int32
	cGetLicenseKey                                 func(buf *cchar, length uint32) int32
	cGetLicenseLeaseDuration                       func(out *int64) int32
	cGetLicenseLeasingStrategy                     func(buf *cchar, length uint32) int32
	cGetLicenseMaintenanceExpiryDate               func(out *uint32) int32
	cGetLicenseMaxAllowedReleaseVersion            func(buf *cchar, length uint32) int32
	cGetLicenseMetadata                            func(key *cchar, buf *cchar, length uint32) int32
	cGetLicenseMeterAttribute                      func(name *cchar, allowed *int64, total *uint64, gross *uint64) int32
	cGetLicenseOrganizationAddress                 func(addr unsafe.Pointer) int32
	cGetLicenseOrganizationAddressInternal         func(buf *cchar, length uint32) int32
	cGetLicenseOrganizationName                    func(buf *cchar, length uint32) int32
	cGetLicenseTotalActivations                    func(out *uint32) int32
	cGetLicenseTotalDeactivations                  func(out *uint32) int32
	cGetLicenseType                                func(buf *cchar, length uint32) int32
	cGetLicenseUserCompany                         func(buf *cchar, length uint32) int32
	cGetLicenseUserEmail                           func(buf *cchar, length uint32) int32
	cGetLicenseUserMetadata                        func(key *cchar, buf *cchar, length uint32) int32
	cGetLicenseUserName                            func(buf *cchar, length uint32) int32
	cGetLocalTrialExpiryDate                       func(out *uint32) int32
	cGetProductId                                  func(buf *cchar, length uint32) int32
	cGetProductMetadata                            func(key *cchar, buf *cchar, length uint32) int32
	cGetProductVersionDisplayName                  func(buf *cchar, length uint32) int32
	cGetProductVersionFeatureFlag                  func(name *cchar, enabled *uint32, buf *cchar, length uint32) int32
	cGetProductVersionName                         func(buf *cchar, length uint32) int32
	cGetServerSyncGracePeriodExpiryDate            func(out *uint32) int32
	cGetTrialActivationMetadata                    func(key *cchar, buf *cchar, length uint32) int32
	cGetTrialExpiryDate                            func(out *uint32) int32
	cGetTrialId                                    func(buf *cchar, length uint32) int32
	cGetUserLicenses                               func(licenses unsafe.Pointer, length uint32) int32
	cGetUserLicensesInternal                       func(buf *cchar, length uint32) int32
	cIncrementActivationMeterAttributeUses         func(name *cchar, increment uint32) int32
	cIsLicenseGenuine                              func() int32
	cIsLicenseValid                                func() int32
	cIsLocalTrialGenuine                           func() int32
	cIsTrialGenuine                                func() int32
	cLookupLicense                                 func(key *cchar, info unsafe.Pointer) int32
	cLookupLicenseInternal                         func(key *cchar, buf *cchar, length uint32) int32
	cMigrateToSystemWideActivation                 func(oldPermissionFlag uint32) int32
	cReset                                         func() int32
	cResetActivationMeterAttributeUses             func(name *cchar) int32
	cSetActivationLeaseDuration                    func(leaseDuration int64) int32
	cSetActivationMetadata                         func(key, value *cchar) int32
	cSetAppVersion                                 func(appVersion *cchar) int32
	cSetCacheMode                                  func(enable uint32) int32
	cSetCryptlexHost                               func(host *cchar) int32
	cSetCustomDeviceFingerprint                    func(fingerprint *cchar) int32
	cSetDataDirectory                              func(directoryPath *cchar) int32
	cSetDebugMode                                  func(enable uint32) int32
	cSetLicenseCallback                            func(cb uintptr) int32
	cSetLicenseKey                                 func(licenseKey *cchar) int32
	cSetLicenseUserCredential                      func(email, password *cchar) int32
	cSetNetworkProxy                               func(proxy *cchar) int32
	cSetOfflineActivationRequestMeterAttributeUses func(name *cchar, uses uint32) int32
	cSetProductData                                func(productData *cchar) int32
	cSetProductFile                                func(filePath *cchar) int32
	cSetProductId                                  func(productId *cchar, flags uint32) int32
	cSetProductKey                                 func(productKey *cchar) int32
	cSetReleaseChannel                             func(releaseChannel *cchar) int32
	cSetReleasePlatform                            func(releasePlatform *cchar) int32
	cSetReleasePublishedDate                       func(releasePublishedDate uint32) int32
	cSetReleaseVersion                             func(releaseVersion *cchar) int32
	cSetTlsPeerVerification                        func(enable uint32) int32
	cSetTrialActivationMetadata                    func(key, value *cchar) int32
	cSetTwoFactorAuthenticationCode                func(code *cchar) int32
	cSyncLicenseActivation                         func() int32
	cSyncTrialActivation                           func() int32
)

// symbolTable maps every exported C name to the Go function variable that
// purego.RegisterFunc fills in. It must list exactly the names in exports.txt
// (checked by TestExportsCoverage).
var symbolTable = []struct {
	name string
	fptr any
}{
	{"ActivateLicense", &cActivateLicense},
	{"ActivateLicenseOffline", &cActivateLicenseOffline},
	{"ActivateLocalTrial", &cActivateLocalTrial},
	{"ActivateTrial", &cActivateTrial},
	{"ActivateTrialOffline", &cActivateTrialOffline},
	{"AuthenticateUser", &cAuthenticateUser},
	{"AuthenticateUserWithIdToken", &cAuthenticateUserWithIdToken},
	{"CheckForReleaseUpdate", &cCheckForReleaseUpdate},
	{"CheckReleaseUpdate", &cCheckReleaseUpdate},
	{"CheckReleaseUpdateInternal", &cCheckReleaseUpdateInternal},
	{"DeactivateLicense", &cDeactivateLicense},
	{"DecrementActivationMeterAttributeUses", &cDecrementActivationMeterAttributeUses},
	{"ExtendLocalTrial", &cExtendLocalTrial},
	{"GenerateOfflineActivationRequest", &cGenerateOfflineActivationRequest},
	{"GenerateOfflineDeactivationRequest", &cGenerateOfflineDeactivationRequest},
	{"GenerateOfflineTrialActivationRequest", &cGenerateOfflineTrialActivationRequest},
	{"GetAccountId", &cGetAccountId},
	{"GetActivationCreationDate", &cGetActivationCreationDate},
	{"GetActivationId", &cGetActivationId},
	{"GetActivationLastSyncedDate", &cGetActivationLastSyncedDate},
	{"GetActivationMetadata", &cGetActivationMetadata},
	{"GetActivationMeterAttributeUses", &cGetActivationMeterAttributeUses},
	{"GetActivationMode", &cGetActivationMode},
	{"GetDataStoreInfo", &cGetDataStoreInfo},
	{"GetDataStoreInfoInternal", &cGetDataStoreInfoInternal},
	{"GetFeatureEntitlement", &cGetFeatureEntitlement},
	{"GetFeatureEntitlementInternal", &cGetFeatureEntitlementInternal},
	{"GetFeatureEntitlements", &cGetFeatureEntitlements},
	{"GetFeatureEntitlementsInternal", &cGetFeatureEntitlementsInternal},
	{"GetLastActivationError", &cGetLastActivationError},
	{"GetLibraryVersion", &cGetLibraryVersion},
	{"GetLicenseActivationDate", &cGetLicenseActivationDate},
	{"GetLicenseAllowedActivations", &cGetLicenseAllowedActivations},
	{"GetLicenseAllowedDeactivations", &cGetLicenseAllowedDeactivations},
	{"GetLicenseCreationDate", &cGetLicenseCreationDate},
	{"GetLicenseEntitlementSetDisplayName", &cGetLicenseEntitlementSetDisplayName},
	{"GetLicenseEntitlementSetName", &cGetLicenseEntitlementSetName},
	{"GetLicenseEntitlementSetTier", &cGetLicenseEntitlementSetTier},
	{"GetLicenseExpiryDate", &cGetLicenseExpiryDate},
	{"GetLicenseKey", &cGetLicenseKey},
	{"GetLicenseLeaseDuration", &cGetLicenseLeaseDuration},
	{"GetLicenseLeasingStrategy", &cGetLicenseLeasingStrategy},
	{"GetLicenseMaintenanceExpiryDate", &cGetLicenseMaintenanceExpiryDate},
	{"GetLicenseMaxAllowedReleaseVersion", &cGetLicenseMaxAllowedReleaseVersion},
	{"GetLicenseMetadata", &cGetLicenseMetadata},
	{"GetLicenseMeterAttribute", &cGetLicenseMeterAttribute},
	{"GetLicenseOrganizationAddress", &cGetLicenseOrganizationAddress},
	{"GetLicenseOrganizationAddressInternal", &cGetLicenseOrganizationAddressInternal},
	{"GetLicenseOrganizationName", &cGetLicenseOrganizationName},
	{"GetLicenseTotalActivations", &cGetLicenseTotalActivations},
	{"GetLicenseTotalDeactivations", &cGetLicenseTotalDeactivations},
	{"GetLicenseType", &cGetLicenseType},
	{"GetLicenseUserCompany", &cGetLicenseUserCompany},
	{"GetLicenseUserEmail", &cGetLicenseUserEmail},
	{"GetLicenseUserMetadata", &cGetLicenseUserMetadata},
	{"GetLicenseUserName", &cGetLicenseUserName},
	{"GetLocalTrialExpiryDate", &cGetLocalTrialExpiryDate},
	{"GetProductId", &cGetProductId},
	{"GetProductMetadata", &cGetProductMetadata},
	{"GetProductVersionDisplayName", &cGetProductVersionDisplayName},
	{"GetProductVersionFeatureFlag", &cGetProductVersionFeatureFlag},
	{"GetProductVersionName", &cGetProductVersionName},
	{"GetServerSyncGracePeriodExpiryDate", &cGetServerSyncGracePeriodExpiryDate},
	{"GetTrialActivationMetadata", &cGetTrialActivationMetadata},
	{"GetTrialExpiryDate", &cGetTrialExpiryDate},
	{"GetTrialId", &cGetTrialId},
	{"GetUserLicenses", &cGetUserLicenses},
	{"GetUserLicensesInternal", &cGetUserLicensesInternal},
	{"IncrementActivationMeterAttributeUses", &cIncrementActivationMeterAttributeUses},
	{"IsLicenseGenuine", &cIsLicenseGenuine},
	{"IsLicenseValid", &cIsLicenseValid},
	{"IsLocalTrialGenuine", &cIsLocalTrialGenuine},
	{"IsTrialGenuine", &cIsTrialGenuine},
	{"LookupLicense", &cLookupLicense},
	{"LookupLicenseInternal", &cLookupLicenseInternal},
	{"MigrateToSystemWideActivation", &cMigrateToSystemWideActivation},
	{"Reset", &cReset},
	{"ResetActivationMeterAttributeUses", &cResetActivationMeterAttributeUses},
	{"SetActivationLeaseDuration", &cSetActivationLeaseDuration},
	{"SetActivationMetadata", &cSetActivationMetadata},
	{"SetAppVersion", &cSetAppVersion},
	{"SetCacheMode", &cSetCacheMode},
	{"SetCryptlexHost", &cSetCryptlexHost},
	{"SetCustomDeviceFingerprint", &cSetCustomDeviceFingerprint},
	{"SetDataDirectory", &cSetDataDirectory},
	{"SetDebugMode", &cSetDebugMode},
	{"SetLicenseCallback", &cSetLicenseCallback},
	{"SetLicenseKey", &cSetLicenseKey},
	{"SetLicenseUserCredential", &cSetLicenseUserCredential},
	{"SetNetworkProxy", &cSetNetworkProxy},
	{"SetOfflineActivationRequestMeterAttributeUses", &cSetOfflineActivationRequestMeterAttributeUses},
	{"SetProductData", &cSetProductData},
	{"SetProductFile", &cSetProductFile},
	{"SetProductId", &cSetProductId},
	{"SetProductKey", &cSetProductKey},
	{"SetReleaseChannel", &cSetReleaseChannel},
	{"SetReleasePlatform", &cSetReleasePlatform},
	{"SetReleasePublishedDate", &cSetReleasePublishedDate},
	{"SetReleaseVersion", &cSetReleaseVersion},
	{"SetTlsPeerVerification", &cSetTlsPeerVerification},
	{"SetTrialActivationMetadata", &cSetTrialActivationMetadata},
	{"SetTwoFactorAuthenticationCode", &cSetTwoFactorAuthenticationCode},
	{"SyncLicenseActivation", &cSyncLicenseActivation},
	{"SyncTrialActivation", &cSyncTrialActivation},
}
