// Package lexactivator is the Go binding of OpenLex, a drop-in replacement for
// Cryptlex's LexActivator library. It has the functions and constants of the
// vendor's Go package (github.com/cryptlex/lexactivator-go) but needs no cgo:
// the shared library is loaded at run time with github.com/ebitengine/purego,
// so programs build with CGO_ENABLED=0 and cross-compile without a C toolchain.
//
// Every function returns a status code (LA_OK, LA_E_LICENSE_KEY, ...). If the
// library cannot be loaded every function returns LA_FAIL; Load reports why.
// See Load for how the library is found.
package lexactivator

import (
	"encoding/json"
	"strings"
)

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

func call0(f *func() int32) int {
	if !ready() || *f == nil {
		return LA_FAIL
	}
	return int((*f)())
}

func callS(f *func(*cchar) int32, s string) int {
	if !ready() || *f == nil {
		return LA_FAIL
	}
	return int((*f)(toC(s)))
}

func callSS(f *func(*cchar, *cchar) int32, a, b string) int {
	if !ready() || *f == nil {
		return LA_FAIL
	}
	return int((*f)(toC(a), toC(b)))
}

func callU(f *func(uint32) int32, v uint32) int {
	if !ready() || *f == nil {
		return LA_FAIL
	}
	return int((*f)(v))
}

func getU32(f *func(*uint32) int32, out *uint) int {
	if !ready() || *f == nil {
		return LA_FAIL
	}
	var v uint32
	st := int((*f)(&v))
	if out != nil {
		*out = uint(v)
	}
	return st
}

func getI64(f *func(*int64) int32, out *int64) int {
	if !ready() || *f == nil {
		return LA_FAIL
	}
	var v int64
	st := int((*f)(&v))
	if out != nil {
		*out = v
	}
	return st
}

func getStr(f *func(*cchar, uint32) int32, size int, out *string) int {
	if !ready() {
		if out != nil {
			*out = ""
		}
		return LA_FAIL
	}
	return getStringOut(*f, size, out)
}

func getKey(f *func(*cchar, *cchar, uint32) int32, key string, size int, out *string) int {
	if !ready() {
		if out != nil {
			*out = ""
		}
		return LA_FAIL
	}
	return getKeyed(*f, key, size, out)
}

// getJSON reads a JSON getter and decodes it into v. An empty answer leaves v unchanged.
func getJSON(f func(*cchar, uint32) int32, v any) int {
	s, st := getString(f, largeBufferSize)
	if st != LA_OK {
		return st
	}
	s = strings.TrimSpace(strings.TrimRight(s, "\x00"))
	if s == "" {
		return st
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return LA_FAIL
	}
	return st
}

// ---- Setup and configuration ----

// SetProductFile sets the absolute path of the Product.dat file.
//
// Deprecated: use SetProductData.
//
// Return codes: LA_OK, LA_E_FILE_PATH, LA_E_PRODUCT_FILE.
func SetProductFile(filePath string) int { return callS(&cSetProductFile, filePath) }

// SetProductData embeds the product data (the content of Product.dat). Call
// it first on every start, after SetDataDirectory if you use it.
//
// Return codes: LA_OK, LA_E_PRODUCT_DATA.
func SetProductData(productData string) int { return callS(&cSetProductData, productData) }

// SetProductId sets the product id and the storage flag (LA_USER, LA_SYSTEM,
// LA_ALL_USERS or LA_IN_MEMORY).
//
// Return codes: LA_OK, LA_E_PRODUCT_DATA, LA_E_PRODUCT_ID, LA_E_SYSTEM_PERMISSION,
// LA_E_FILE_PERMISSION, LA_E_INVALID_PERMISSION_FLAG.
func SetProductId(productId string, flags uint) int {
	if !ready() || cSetProductId == nil {
		return LA_FAIL
	}
	return int(cSetProductId(toC(productId), uint32(flags)))
}

// SetDataDirectory sets the directory of the local data store (it must exist
// and be writable). Call it before SetProductData.
//
// Return codes: LA_OK, LA_E_FILE_PERMISSION.
func SetDataDirectory(directoryPath string) int { return callS(&cSetDataDirectory, directoryPath) }

// SetDebugMode enables (1) or disables (0) debug logging.
//
// Return codes: LA_OK.
func SetDebugMode(enable uint) int { return callU(&cSetDebugMode, uint32(enable)) }

// SetCacheMode enables or disables the in-memory cache of the data store.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID.
func SetCacheMode(enable bool) int { return callU(&cSetCacheMode, b2u(enable)) }

// SetCustomDeviceFingerprint sets a custom device fingerprint (64 to 256 characters).
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_CUSTOM_FINGERPRINT_LENGTH.
func SetCustomDeviceFingerprint(fingerprint string) int {
	return callS(&cSetCustomDeviceFingerprint, fingerprint)
}

// SetLicenseKey sets the license key used by ActivateLicense.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_LICENSE_KEY.
func SetLicenseKey(licenseKey string) int { return callS(&cSetLicenseKey, licenseKey) }

// SetProductKey is the OpenLex alias of SetLicenseKey.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_LICENSE_KEY.
func SetProductKey(productKey string) int { return callS(&cSetProductKey, productKey) }

// SetLicenseUserCredential sets the license user's email and password.
//
// Deprecated: use AuthenticateUser.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_LICENSE_KEY.
func SetLicenseUserCredential(email string, password string) int {
	return callSS(&cSetLicenseUserCredential, email, password)
}

// SetActivationLeaseDuration sets the lease duration (seconds; -1 unlimited)
// requested for hosted-floating activations.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_LICENSE_KEY.
func SetActivationLeaseDuration(leaseDuration int64) int {
	if !ready() || cSetActivationLeaseDuration == nil {
		return LA_FAIL
	}
	return int(cSetActivationLeaseDuration(leaseDuration))
}

// SetActivationMetadata sets an activation metadata entry sent by ActivateLicense.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_LICENSE_KEY, LA_E_METADATA_KEY_LENGTH,
// LA_E_METADATA_VALUE_LENGTH, LA_E_ACTIVATION_METADATA_LIMIT.
func SetActivationMetadata(key string, value string) int {
	return callSS(&cSetActivationMetadata, key, value)
}

// SetTrialActivationMetadata sets a trial activation metadata entry sent by ActivateTrial.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_METADATA_KEY_LENGTH,
// LA_E_METADATA_VALUE_LENGTH, LA_E_TRIAL_ACTIVATION_METADATA_LIMIT.
func SetTrialActivationMetadata(key string, value string) int {
	return callSS(&cSetTrialActivationMetadata, key, value)
}

// SetAppVersion sets the app version.
//
// Deprecated: use SetReleaseVersion.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_APP_VERSION_LENGTH.
func SetAppVersion(appVersion string) int { return callS(&cSetAppVersion, appVersion) }

// SetReleaseVersion sets the release version (x.x, x.x.x or x.x.x.x).
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_RELEASE_VERSION_FORMAT.
func SetReleaseVersion(releaseVersion string) int { return callS(&cSetReleaseVersion, releaseVersion) }

// SetReleasePublishedDate sets the release published date (unix seconds).
//
// Return codes: LA_OK, LA_E_PRODUCT_ID.
func SetReleasePublishedDate(releasePublishedDate uint) int {
	return callU(&cSetReleasePublishedDate, uint32(releasePublishedDate))
}

// SetReleasePlatform sets the release platform, e.g. windows, macos, linux.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_RELEASE_PLATFORM_LENGTH.
func SetReleasePlatform(releasePlatform string) int {
	return callS(&cSetReleasePlatform, releasePlatform)
}

// SetReleaseChannel sets the release channel, e.g. stable, beta.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_RELEASE_CHANNEL_LENGTH.
func SetReleaseChannel(releaseChannel string) int { return callS(&cSetReleaseChannel, releaseChannel) }

// SetOfflineActivationRequestMeterAttributeUses sets meter attribute uses
// carried by the next offline activation request.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_LICENSE_KEY.
func SetOfflineActivationRequestMeterAttributeUses(name string, uses uint) int {
	if !ready() || cSetOfflineActivationRequestMeterAttributeUses == nil {
		return LA_FAIL
	}
	return int(cSetOfflineActivationRequestMeterAttributeUses(toC(name), uint32(uses)))
}

// SetNetworkProxy sets the network proxy, [protocol://][username:password@]machine[:port].
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_NET_PROXY.
func SetNetworkProxy(proxy string) int { return callS(&cSetNetworkProxy, proxy) }

// SetCryptlexHost sets the license server URL (an OpenLex server or Cryptlex on-premise).
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_HOST_URL.
func SetCryptlexHost(host string) int { return callS(&cSetCryptlexHost, host) }

// SetTlsPeerVerification enables (default) or disables TLS peer verification
// (disable only for testing).
//
// Return codes: LA_OK.
func SetTlsPeerVerification(enable bool) int { return callU(&cSetTlsPeerVerification, b2u(enable)) }

// SetTwoFactorAuthenticationCode sets the two-factor code for the next AuthenticateUser.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_TWO_FACTOR_AUTHENTICATION_CODE_INVALID.
func SetTwoFactorAuthenticationCode(twoFactorAuthenticationCode string) int {
	return callS(&cSetTwoFactorAuthenticationCode, twoFactorAuthenticationCode)
}

// MigrateToSystemWideActivation migrates activation data stored with
// oldPermissionFlag to system-wide storage (Windows and macOS).
//
// Return codes: LA_OK, LA_FAIL, LA_E_PRODUCT_DATA, LA_E_INVALID_PERMISSION_FLAG,
// LA_E_SYSTEM_PERMISSION, LA_E_FILE_PERMISSION.
func MigrateToSystemWideActivation(oldPermissionFlag uint) int {
	return callU(&cMigrateToSystemWideActivation, uint32(oldPermissionFlag))
}

// Reset deletes this product's activation and verified-trial data on this
// machine (not the local trial). Meant for testing.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID.
func Reset() int { return call0(&cReset) }

// ---- Product and license getters ----

// GetProductMetadata gets a product metadata value.
//
// Return codes: LA_OK, LA_FAIL, LA_E_PRODUCT_ID, LA_E_METADATA_KEY_NOT_FOUND.
func GetProductMetadata(key string, value *string) int {
	return getKey(&cGetProductMetadata, key, largeBufferSize, value)
}

// GetProductId gets the product id of the product data.
func GetProductId(productId *string) int {
	return getStr(&cGetProductId, defaultBufferSize, productId)
}

// GetAccountId gets the account id of the product data ("" if it has none).
func GetAccountId(accountId *string) int {
	return getStr(&cGetAccountId, defaultBufferSize, accountId)
}

// GetProductVersionName gets the product version name.
//
// Deprecated: use GetLicenseEntitlementSetName.
func GetProductVersionName(name *string) int {
	return getStr(&cGetProductVersionName, defaultBufferSize, name)
}

// GetProductVersionDisplayName gets the product version display name.
//
// Deprecated: use GetLicenseEntitlementSetDisplayName.
func GetProductVersionDisplayName(displayName *string) int {
	return getStr(&cGetProductVersionDisplayName, defaultBufferSize, displayName)
}

// GetProductVersionFeatureFlag gets a product version feature flag.
//
// Deprecated: use GetFeatureEntitlement.
func GetProductVersionFeatureFlag(name string, enabled *bool, data *string) int {
	if !ready() || cGetProductVersionFeatureFlag == nil {
		return LA_FAIL
	}
	n := toC(name)
	var e uint32
	s, st := getString(func(buf *cchar, length uint32) int32 {
		return cGetProductVersionFeatureFlag(n, &e, buf, length)
	}, largeBufferSize)
	if enabled != nil {
		*enabled = e > 0
	}
	if data != nil {
		*data = s
	}
	return st
}

// GetLicenseEntitlementSetName gets the license's entitlement set name.
//
// Return codes: LA_OK, LA_FAIL, LA_E_PRODUCT_ID, LA_E_TIME, LA_E_TIME_MODIFIED,
// LA_E_ENTITLEMENT_SET_NOT_LINKED.
func GetLicenseEntitlementSetName(name *string) int {
	return getStr(&cGetLicenseEntitlementSetName, defaultBufferSize, name)
}

// GetLicenseEntitlementSetDisplayName gets the license's entitlement set display name.
func GetLicenseEntitlementSetDisplayName(displayName *string) int {
	return getStr(&cGetLicenseEntitlementSetDisplayName, defaultBufferSize, displayName)
}

// GetLicenseEntitlementSetTier gets the license's entitlement set tier.
func GetLicenseEntitlementSetTier(tier *int64) int {
	return getI64(&cGetLicenseEntitlementSetTier, tier)
}

// GetFeatureEntitlements gets the license's feature entitlements.
//
// Return codes: LA_OK, LA_FAIL, LA_E_PRODUCT_ID, LA_E_TIME, LA_E_TIME_MODIFIED,
// LA_E_FEATURE_ENTITLEMENTS_INVALID.
func GetFeatureEntitlements(featureEntitlements *[]FeatureEntitlement) int {
	if !ready() {
		return LA_FAIL
	}
	var v []FeatureEntitlement
	st := getJSON(cGetFeatureEntitlementsInternal, &v)
	if st == LA_OK && featureEntitlements != nil {
		if v == nil {
			v = []FeatureEntitlement{}
		}
		*featureEntitlements = v
	}
	return st
}

// GetFeatureEntitlement gets one feature entitlement of the license.
//
// Return codes: LA_OK, LA_FAIL, LA_E_PRODUCT_ID, LA_E_TIME, LA_E_TIME_MODIFIED,
// LA_E_FEATURE_ENTITLEMENT_NOT_FOUND, LA_E_FEATURE_ENTITLEMENTS_INVALID.
func GetFeatureEntitlement(featureName string, featureEntitlement *FeatureEntitlement) int {
	if !ready() || cGetFeatureEntitlementInternal == nil {
		return LA_FAIL
	}
	n := toC(featureName)
	var v FeatureEntitlement
	st := getJSON(func(buf *cchar, length uint32) int32 {
		return cGetFeatureEntitlementInternal(n, buf, length)
	}, &v)
	if st == LA_OK && featureEntitlement != nil {
		*featureEntitlement = v
	}
	return st
}

// GetLicenseMetadata gets a license metadata value.
//
// Return codes: LA_OK, LA_FAIL, LA_E_PRODUCT_ID, LA_E_METADATA_KEY_NOT_FOUND.
func GetLicenseMetadata(key string, value *string) int {
	return getKey(&cGetLicenseMetadata, key, largeBufferSize, value)
}

// GetLicenseMeterAttribute gets a meter attribute's allowed (-1 unlimited), total and gross uses.
//
// Return codes: LA_OK, LA_FAIL, LA_E_PRODUCT_ID, LA_E_METER_ATTRIBUTE_NOT_FOUND.
func GetLicenseMeterAttribute(name string, allowedUses *int64, totalUses *uint64, grossUses *uint64) int {
	if !ready() || cGetLicenseMeterAttribute == nil {
		return LA_FAIL
	}
	var a int64
	var t, g uint64
	st := int(cGetLicenseMeterAttribute(toC(name), &a, &t, &g))
	if allowedUses != nil {
		*allowedUses = a
	}
	if totalUses != nil {
		*totalUses = t
	}
	if grossUses != nil {
		*grossUses = g
	}
	return st
}

// GetLicenseKey gets the license key ("" with LA_OK when none is set).
func GetLicenseKey(licenseKey *string) int {
	return getStr(&cGetLicenseKey, defaultBufferSize, licenseKey)
}

// GetLicenseAllowedActivations gets the allowed activations (-1 unlimited).
func GetLicenseAllowedActivations(allowedActivations *int64) int {
	return getI64(&cGetLicenseAllowedActivations, allowedActivations)
}

// GetLicenseTotalActivations gets the activations in use.
func GetLicenseTotalActivations(totalActivations *uint) int {
	return getU32(&cGetLicenseTotalActivations, totalActivations)
}

// GetLicenseAllowedDeactivations gets the allowed deactivations (-1 unlimited).
func GetLicenseAllowedDeactivations(allowedDeactivations *int64) int {
	return getI64(&cGetLicenseAllowedDeactivations, allowedDeactivations)
}

// GetLicenseTotalDeactivations gets the deactivations used.
func GetLicenseTotalDeactivations(totalDeactivations *uint) int {
	return getU32(&cGetLicenseTotalDeactivations, totalDeactivations)
}

// GetLicenseCreationDate gets the license creation date (unix seconds).
func GetLicenseCreationDate(creationDate *uint) int {
	return getU32(&cGetLicenseCreationDate, creationDate)
}

// GetLicenseActivationDate gets the date of the license's first activation.
func GetLicenseActivationDate(activationDate *uint) int {
	return getU32(&cGetLicenseActivationDate, activationDate)
}

// GetActivationCreationDate gets the creation date of this activation.
func GetActivationCreationDate(activationCreationDate *uint) int {
	return getU32(&cGetActivationCreationDate, activationCreationDate)
}

// GetActivationLastSyncedDate gets the date of this activation's last server sync.
func GetActivationLastSyncedDate(activationLastSyncedDate *uint) int {
	return getU32(&cGetActivationLastSyncedDate, activationLastSyncedDate)
}

// GetLicenseExpiryDate gets the license expiry date (0 = never).
//
// Return codes: LA_OK, LA_FAIL, LA_E_PRODUCT_ID, LA_E_TIME, LA_E_TIME_MODIFIED.
func GetLicenseExpiryDate(expiryDate *uint) int {
	return getU32(&cGetLicenseExpiryDate, expiryDate)
}

// GetLicenseMaintenanceExpiryDate gets the maintenance expiry date (0 = none).
func GetLicenseMaintenanceExpiryDate(maintenanceExpiryDate *uint) int {
	return getU32(&cGetLicenseMaintenanceExpiryDate, maintenanceExpiryDate)
}

// GetLicenseMaxAllowedReleaseVersion gets the highest release version the license allows.
func GetLicenseMaxAllowedReleaseVersion(maxAllowedReleaseVersion *string) int {
	return getStr(&cGetLicenseMaxAllowedReleaseVersion, defaultBufferSize, maxAllowedReleaseVersion)
}

// GetLicenseUserEmail gets the license user's email.
func GetLicenseUserEmail(email *string) int {
	return getStr(&cGetLicenseUserEmail, defaultBufferSize, email)
}

// GetLicenseUserName gets the license user's name.
func GetLicenseUserName(name *string) int {
	return getStr(&cGetLicenseUserName, defaultBufferSize, name)
}

// GetLicenseUserCompany gets the license user's company.
func GetLicenseUserCompany(company *string) int {
	return getStr(&cGetLicenseUserCompany, defaultBufferSize, company)
}

// GetLicenseUserMetadata gets a license user metadata value.
func GetLicenseUserMetadata(key string, value *string) int {
	return getKey(&cGetLicenseUserMetadata, key, largeBufferSize, value)
}

// GetLicenseOrganizationName gets the license's organization name.
func GetLicenseOrganizationName(organizationName *string) int {
	return getStr(&cGetLicenseOrganizationName, defaultBufferSize, organizationName)
}

// GetLicenseOrganizationAddress gets the license's organization address.
func GetLicenseOrganizationAddress(organizationAddress *OrganizationAddress) int {
	if !ready() {
		return LA_FAIL
	}
	var v OrganizationAddress
	st := getJSON(cGetLicenseOrganizationAddressInternal, &v)
	if st == LA_OK && organizationAddress != nil {
		*organizationAddress = v
	}
	return st
}

// GetUserLicenses gets the licenses of the user authenticated with
// AuthenticateUser (network request).
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_INET, LA_E_SERVER, LA_E_RATE_LIMIT,
// LA_E_USER_NOT_AUTHENTICATED.
func GetUserLicenses(userLicenses *[]UserLicense) int {
	if !ready() {
		return LA_FAIL
	}
	var v []UserLicense
	st := getJSON(cGetUserLicensesInternal, &v)
	if st == LA_OK && userLicenses != nil {
		if v == nil {
			v = []UserLicense{}
		}
		*userLicenses = v
	}
	return st
}

// GetLicenseType gets the license type (node-locked or hosted-floating).
func GetLicenseType(licenseType *string) int {
	return getStr(&cGetLicenseType, defaultBufferSize, licenseType)
}

// GetLicenseLeaseDuration gets the lease duration of a hosted-floating activation (seconds).
func GetLicenseLeaseDuration(leaseDuration *int64) int {
	return getI64(&cGetLicenseLeaseDuration, leaseDuration)
}

// GetLicenseLeasingStrategy gets the leasing strategy (per-machine or per-instance).
func GetLicenseLeasingStrategy(leasingStrategy *string) int {
	return getStr(&cGetLicenseLeasingStrategy, defaultBufferSize, leasingStrategy)
}

// GetDataStoreInfo gets where the library stores its data (after SetProductId).
//
// Return codes: LA_OK, LA_E_PRODUCT_ID.
func GetDataStoreInfo(dataStoreInfo *DataStoreInfo) int {
	if !ready() {
		return LA_FAIL
	}
	var v DataStoreInfo
	st := getJSON(cGetDataStoreInfoInternal, &v)
	if st == LA_OK && dataStoreInfo != nil {
		*dataStoreInfo = v
	}
	return st
}

// LookupLicense looks a license key up on the server (needs only SetProductData).
//
// Return codes: LA_OK, LA_E_PRODUCT_DATA, LA_E_LICENSE_KEY, LA_E_INET, LA_E_SERVER,
// LA_E_CLIENT, LA_E_RATE_LIMIT.
func LookupLicense(licenseKey string, licenseLookupInfo *LicenseLookupInfo) int {
	if !ready() || cLookupLicenseInternal == nil {
		return LA_FAIL
	}
	k := toC(licenseKey)
	var v LicenseLookupInfo
	st := getJSON(func(buf *cchar, length uint32) int32 { return cLookupLicenseInternal(k, buf, length) }, &v)
	if st == LA_OK && licenseLookupInfo != nil {
		*licenseLookupInfo = v
	}
	return st
}

// ---- Activation getters ----

// GetActivationId gets the activation id.
func GetActivationId(id *string) int {
	return getStr(&cGetActivationId, defaultBufferSize, id)
}

// GetActivationMetadata gets an activation metadata value.
//
// Return codes: LA_OK, LA_FAIL, LA_E_PRODUCT_ID, LA_E_METADATA_KEY_NOT_FOUND.
func GetActivationMetadata(key string, value *string) int {
	return getKey(&cGetActivationMetadata, key, largeBufferSize, value)
}

// GetActivationMode gets the initial and current activation mode (online or offline).
func GetActivationMode(initialMode *string, currentMode *string) int {
	if !ready() || cGetActivationMode == nil {
		return LA_FAIL
	}
	size := defaultBufferSize
	for {
		a := make([]cchar, size)
		b := make([]cchar, size)
		st := int(cGetActivationMode(&a[0], uint32(size), &b[0], uint32(size)))
		if st == LA_E_BUFFER_SIZE && size < maxBufferSize {
			size *= 4
			continue
		}
		var sa, sb string
		if st == LA_OK {
			sa, sb = fromBuf(a), fromBuf(b)
		}
		if initialMode != nil {
			*initialMode = sa
		}
		if currentMode != nil {
			*currentMode = sb
		}
		return st
	}
}

// GetActivationMeterAttributeUses gets this activation's uses of a meter attribute.
func GetActivationMeterAttributeUses(name string, uses *uint) int {
	if !ready() || cGetActivationMeterAttributeUses == nil {
		return LA_FAIL
	}
	var v uint32
	st := int(cGetActivationMeterAttributeUses(toC(name), &v))
	if uses != nil {
		*uses = uint(v)
	}
	return st
}

// GetServerSyncGracePeriodExpiryDate gets the server-sync grace period expiry date.
func GetServerSyncGracePeriodExpiryDate(expiryDate *uint) int {
	return getU32(&cGetServerSyncGracePeriodExpiryDate, expiryDate)
}

// GetLastActivationError gets the status that last caused activation data to be cleared.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID.
func GetLastActivationError(errorCode *uint) int {
	return getU32(&cGetLastActivationError, errorCode)
}

// ---- Trials ----

// GetTrialActivationMetadata gets a verified-trial activation metadata value.
func GetTrialActivationMetadata(key string, value *string) int {
	return getKey(&cGetTrialActivationMetadata, key, largeBufferSize, value)
}

// GetTrialExpiryDate gets the verified-trial expiry date.
func GetTrialExpiryDate(trialExpiryDate *uint) int {
	return getU32(&cGetTrialExpiryDate, trialExpiryDate)
}

// GetTrialId gets the verified-trial id.
func GetTrialId(trialId *string) int {
	return getStr(&cGetTrialId, defaultBufferSize, trialId)
}

// GetLocalTrialExpiryDate gets the local trial expiry date.
//
// Return codes: LA_OK, LA_FAIL, LA_E_PRODUCT_ID, LA_E_TIME_MODIFIED.
func GetLocalTrialExpiryDate(trialExpiryDate *uint) int {
	return getU32(&cGetLocalTrialExpiryDate, trialExpiryDate)
}

// GetLibraryVersion gets the version of the loaded library.
//
// Return codes: LA_OK.
func GetLibraryVersion(libraryVersion *string) int {
	return getStr(&cGetLibraryVersion, defaultBufferSize, libraryVersion)
}

// ---- Users ----

// AuthenticateUser authenticates a user with the server (user-locked
// licenses, GetUserLicenses).
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_INET, LA_E_SERVER, LA_E_RATE_LIMIT,
// LA_E_AUTHENTICATION_FAILED, LA_E_TWO_FACTOR_AUTHENTICATION_CODE_MISSING,
// LA_E_TWO_FACTOR_AUTHENTICATION_CODE_INVALID, LA_E_LOGIN_TEMPORARILY_LOCKED.
func AuthenticateUser(email string, password string) int {
	return callSS(&cAuthenticateUser, email, password)
}

// AuthenticateUserWithIdToken authenticates a user with an OIDC id token.
func AuthenticateUserWithIdToken(idToken string) int {
	return callS(&cAuthenticateUserWithIdToken, idToken)
}

// ---- Activation lifecycle ----

// ActivateLicense activates the license set with SetLicenseKey (network request).
//
// Return codes: LA_OK, LA_EXPIRED, LA_SUSPENDED, LA_E_REVOKED, LA_FAIL, LA_E_PRODUCT_ID,
// LA_E_INET, LA_E_VM, LA_E_TIME, LA_E_ACTIVATION_LIMIT, LA_E_SERVER, LA_E_CLIENT,
// LA_E_AUTHENTICATION_FAILED, LA_E_LICENSE_TYPE, LA_E_COUNTRY, LA_E_IP, LA_E_RATE_LIMIT,
// LA_E_LICENSE_KEY, LA_E_RELEASE_VERSION_NOT_ALLOWED, LA_E_RELEASE_VERSION_FORMAT.
func ActivateLicense() int { return call0(&cActivateLicense) }

// ActivateLicenseOffline activates from an offline activation response file.
func ActivateLicenseOffline(filePath string) int { return callS(&cActivateLicenseOffline, filePath) }

// GenerateOfflineActivationRequest writes an offline activation request file.
func GenerateOfflineActivationRequest(filePath string) int {
	return callS(&cGenerateOfflineActivationRequest, filePath)
}

// DeactivateLicense deactivates the license and frees its activation slot (network request).
//
// Return codes: LA_OK, LA_E_DEACTIVATION_LIMIT, LA_FAIL, LA_E_PRODUCT_ID, LA_E_TIME,
// LA_E_LICENSE_KEY, LA_E_INET, LA_E_SERVER, LA_E_RATE_LIMIT, LA_E_TIME_MODIFIED.
func DeactivateLicense() int { return call0(&cDeactivateLicense) }

// GenerateOfflineDeactivationRequest writes an offline deactivation request
// file and deactivates locally.
func GenerateOfflineDeactivationRequest(filePath string) int {
	return callS(&cGenerateOfflineDeactivationRequest, filePath)
}

// IsLicenseGenuine verifies the activation locally and schedules the
// background server sync. Call it on every start.
//
// Return codes: LA_OK, LA_EXPIRED, LA_SUSPENDED, LA_GRACE_PERIOD_OVER, LA_FAIL,
// LA_E_PRODUCT_ID, LA_E_LICENSE_KEY, LA_E_TIME, LA_E_TIME_MODIFIED.
func IsLicenseGenuine() int { return call0(&cIsLicenseGenuine) }

// IsLicenseValid verifies the activation locally without any server sync.
func IsLicenseValid() int { return call0(&cIsLicenseValid) }

// SyncLicenseActivation syncs the activation with the server now.
func SyncLicenseActivation() int { return call0(&cSyncLicenseActivation) }

// ActivateTrial starts the verified trial (network request).
func ActivateTrial() int { return call0(&cActivateTrial) }

// SyncTrialActivation syncs the verified trial with the server now.
func SyncTrialActivation() int { return call0(&cSyncTrialActivation) }

// ActivateTrialOffline activates the trial from an offline response file.
func ActivateTrialOffline(filePath string) int { return callS(&cActivateTrialOffline, filePath) }

// GenerateOfflineTrialActivationRequest writes an offline trial activation request file.
func GenerateOfflineTrialActivationRequest(filePath string) int {
	return callS(&cGenerateOfflineTrialActivationRequest, filePath)
}

// IsTrialGenuine verifies the verified trial locally.
func IsTrialGenuine() int { return call0(&cIsTrialGenuine) }

// ActivateLocalTrial starts a local (unverified) trial of trialLength days.
//
// Return codes: LA_OK, LA_LOCAL_TRIAL_EXPIRED, LA_FAIL, LA_E_PRODUCT_ID, LA_E_TIME_MODIFIED.
func ActivateLocalTrial(trialLength uint) int {
	return callU(&cActivateLocalTrial, uint32(trialLength))
}

// IsLocalTrialGenuine verifies the local trial.
//
// Return codes: LA_OK, LA_LOCAL_TRIAL_EXPIRED, LA_FAIL, LA_E_PRODUCT_ID, LA_E_TIME_MODIFIED.
func IsLocalTrialGenuine() int { return call0(&cIsLocalTrialGenuine) }

// ExtendLocalTrial sets the local trial to end trialExtensionLength days from now.
func ExtendLocalTrial(trialExtensionLength uint) int {
	return callU(&cExtendLocalTrial, uint32(trialExtensionLength))
}

// ---- Meter attributes ----

// IncrementActivationMeterAttributeUses adds uses to a meter attribute (network request).
func IncrementActivationMeterAttributeUses(name string, increment uint) int {
	if !ready() || cIncrementActivationMeterAttributeUses == nil {
		return LA_FAIL
	}
	return int(cIncrementActivationMeterAttributeUses(toC(name), uint32(increment)))
}

// DecrementActivationMeterAttributeUses removes uses from a meter attribute (network request).
func DecrementActivationMeterAttributeUses(name string, decrement uint) int {
	if !ready() || cDecrementActivationMeterAttributeUses == nil {
		return LA_FAIL
	}
	return int(cDecrementActivationMeterAttributeUses(toC(name), uint32(decrement)))
}

// ResetActivationMeterAttributeUses resets a meter attribute's uses (network request).
func ResetActivationMeterAttributeUses(name string) int {
	return callS(&cResetActivationMeterAttributeUses, name)
}
