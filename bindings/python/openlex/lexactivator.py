"""The LexActivator API, method for method compatible with the vendor's Python
wrapper (cryptlex-lexactivator 3.46.0), implemented on ctypes over OpenLex's
libLexActivator.

Differences from the vendor wrapper, all compatible:
  * string/JSON getters retry with a 4x larger buffer on LA_E_BUFFER_SIZE (up to 1 MiB);
  * ActivateLocalTrial / IsLocalTrialGenuine map LA_LOCAL_TRIAL_EXPIRED (26), which is
    what the library returns, to LA_LOCAL_TRIAL_EXPIRED instead of raising (the vendor
    wrapper only recognises LA_TRIAL_EXPIRED (25) there);
  * the library is loaded on first use and located as described in README.md;
  * a few exported functions the vendor wrapper lacks are also available
    (GetProductId, GetAccountId, GetLicenseLeaseDuration, GetLicenseLeasingStrategy,
    SetTlsPeerVerification).
"""

import ctypes
import functools
import json
import threading
import warnings

from . import _native as native
from .lexactivator_exception import LexActivatorException
from .lexrelease import Release
from .lexstatus_codes import LexStatusCodes

# ctypes callback objects handed to the library; kept alive for the process lifetime.
callback_list = []
_callback_lock = threading.Lock()

# Buffer growth on LA_E_BUFFER_SIZE.
MAX_BUFFER_SIZE = 1024 * 1024
GROWTH_FACTOR = 4

_OK = LexStatusCodes.LA_OK
_FAIL = LexStatusCodes.LA_FAIL
_EXPIRED = LexStatusCodes.LA_EXPIRED
_SUSPENDED = LexStatusCodes.LA_SUSPENDED
_GRACE_OVER = LexStatusCodes.LA_GRACE_PERIOD_OVER
_TRIAL_EXPIRED = LexStatusCodes.LA_TRIAL_EXPIRED
_LOCAL_TRIAL_EXPIRED = LexStatusCodes.LA_LOCAL_TRIAL_EXPIRED


def deprecated(alternative):
    """Marks a method deprecated (DeprecationWarning naming the replacement)."""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            warnings.warn("The function %s() is deprecated. Use %s() instead." % (func.__name__, alternative),
                          category=DeprecationWarning, stacklevel=2)
            return func(*args, **kwargs)
        return wrapper
    return decorator


class PermissionFlags:
    LA_USER = 1
    LA_SYSTEM = 2
    LA_ALL_USERS = 3
    LA_IN_MEMORY = 4


class ReleaseFlags:
    LA_RELEASES_ALL = 1
    LA_RELEASES_ALLOWED = 2


class LicenseMeterAttribute(object):
    def __init__(self, name, allowed_uses, total_uses, gross_uses):
        self.name = name
        self.allowed_uses = allowed_uses
        self.total_uses = total_uses
        self.gross_uses = gross_uses


class FeatureEntitlement(object):
    def __init__(self, feature_entitlement_dict):
        self.feature_name = feature_entitlement_dict.get("featureName")
        self.feature_display_name = feature_entitlement_dict.get("featureDisplayName")
        self.value = feature_entitlement_dict.get("value")
        self.base_value = feature_entitlement_dict.get("baseValue")
        self.expires_at = feature_entitlement_dict.get("expiresAt")


class ProductVersionFeatureFlag(object):
    def __init__(self, name, enabled, data):
        self.name = name
        self.enabled = enabled
        self.data = data


class ActivationMode(object):
    def __init__(self, initialMode, currentMode):
        self.initialMode = initialMode
        self.currentMode = currentMode


class OrganizationAddress(object):
    def __init__(self, address_line1, address_line2, city, state, country, postal_code):
        self.address_line1 = address_line1
        self.address_line2 = address_line2
        self.city = city
        self.state = state
        self.country = country
        self.postal_code = postal_code


class Metadata(object):
    def __init__(self, metadata_dict):
        self.key = metadata_dict.get("key")
        self.value = metadata_dict.get("value")


class UserLicense(object):
    def __init__(self, user_license_dict):
        self.allowed_activations = user_license_dict.get("allowedActivations")
        self.allowed_deactivations = user_license_dict.get("allowedDeactivations")
        self.key = user_license_dict.get("key")
        self.total_activations = user_license_dict.get("totalActivations")
        self.total_deactivations = user_license_dict.get("totalDeactivations")
        self.type = user_license_dict.get("type")
        self.metadata = [Metadata(m) for m in user_license_dict.get("metadata", [])]


class DataStoreInfo(object):
    def __init__(self, data_store_info_dict):
        self.storage_kind = data_store_info_dict.get("storageKind")
        self.permission_flag = data_store_info_dict.get("permissionFlag")
        self.is_custom_data_directory = data_store_info_dict.get("isCustomDataDirectory")
        self.path = data_store_info_dict.get("path")


class LicenseLookupInfo(object):
    def __init__(self, license_lookup_info_dict):
        self.key = license_lookup_info_dict.get("key")
        self.type = license_lookup_info_dict.get("type")


# ---------------------------------------------------------------------------
# Call helpers
# ---------------------------------------------------------------------------
def _check(status):
    """Raises unless status is LA_OK."""
    if status != _OK:
        raise LexActivatorException(status)


def _status_in(status, allowed):
    """Returns status if it is in the allowed set, else raises."""
    if status in allowed:
        return status
    raise LexActivatorException(status)


def _call_ok(name, *args):
    _check(native.call(name, *args))


def _get_string(name, size, *prefix):
    """Calls name(*prefix, buffer, length), growing the buffer on LA_E_BUFFER_SIZE."""
    while True:
        buf = native.new_buffer(size)
        status = native.call(name, *(prefix + (buf, size)))
        if status == LexStatusCodes.LA_E_BUFFER_SIZE and size < MAX_BUFFER_SIZE:
            size = min(size * GROWTH_FACTOR, MAX_BUFFER_SIZE)
            continue
        _check(status)
        return native.from_buffer(buf)


def _get_json(name, size, *prefix):
    return _get_string(name, size, *prefix)


def _get_number(name, ctype, fail_is_zero=False):
    value = ctype()
    status = native.call(name, ctypes.byref(value))
    if status == _OK:
        return value.value
    if fail_is_zero and status == _FAIL:
        return 0
    raise LexActivatorException(status)


def _keep_alive(fn):
    with _callback_lock:
        callback_list.append(fn)
    return fn


class LexActivator:
    """Static methods mirroring the LexActivator C API (see include/LexActivator.h)."""

    # ------------------------------------------------------------------ setup
    @staticmethod
    @deprecated("SetProductData")
    def SetProductFile(file_path):
        _call_ok("SetProductFile", native.to_cstr(file_path))

    @staticmethod
    def SetProductData(product_data):
        _call_ok("SetProductData", native.to_cstr(product_data))

    @staticmethod
    def SetProductId(product_id, flags):
        _call_ok("SetProductId", native.to_cstr(product_id), flags)

    @staticmethod
    def SetDataDirectory(directory_path):
        _call_ok("SetDataDirectory", native.to_cstr(directory_path))

    @staticmethod
    def SetDebugMode(enable):
        _call_ok("SetDebugMode", enable)

    @staticmethod
    def SetCacheMode(enable):
        _call_ok("SetCacheMode", 1 if enable else 0)

    @staticmethod
    def SetCustomDeviceFingerprint(fingerprint):
        _call_ok("SetCustomDeviceFingerprint", native.to_cstr(fingerprint))

    @staticmethod
    def SetLicenseKey(license_key):
        _call_ok("SetLicenseKey", native.to_cstr(license_key))

    @staticmethod
    @deprecated("AuthenticateUser")
    def SetLicenseUserCredential(email, password):
        _call_ok("SetLicenseUserCredential", native.to_cstr(email), native.to_cstr(password))

    @staticmethod
    def SetLicenseCallback(license_callback):
        """Registers license_callback(status) for background server syncs."""
        fn = _keep_alive(native.CallbackType(license_callback))
        _call_ok("SetLicenseCallback", fn)

    @staticmethod
    def SetActivationLeaseDuration(lease_duration):
        _call_ok("SetActivationLeaseDuration", lease_duration)

    @staticmethod
    def SetActivationMetadata(key, value):
        _call_ok("SetActivationMetadata", native.to_cstr(key), native.to_cstr(value))

    @staticmethod
    def SetTrialActivationMetadata(key, value):
        _call_ok("SetTrialActivationMetadata", native.to_cstr(key), native.to_cstr(value))

    @staticmethod
    @deprecated("SetReleaseVersion")
    def SetAppVersion(app_version):
        _call_ok("SetAppVersion", native.to_cstr(app_version))

    @staticmethod
    def SetReleaseVersion(release_version):
        _call_ok("SetReleaseVersion", native.to_cstr(release_version))

    @staticmethod
    def SetReleasePublishedDate(release_published_date):
        _call_ok("SetReleasePublishedDate", release_published_date)

    @staticmethod
    def SetReleasePlatform(release_platform):
        _call_ok("SetReleasePlatform", native.to_cstr(release_platform))

    @staticmethod
    def SetReleaseChannel(release_channel):
        _call_ok("SetReleaseChannel", native.to_cstr(release_channel))

    @staticmethod
    def SetOfflineActivationRequestMeterAttributeUses(name, uses):
        _call_ok("SetOfflineActivationRequestMeterAttributeUses", native.to_cstr(name), uses)

    @staticmethod
    def SetNetworkProxy(proxy):
        _call_ok("SetNetworkProxy", native.to_cstr(proxy))

    @staticmethod
    def SetCryptlexHost(host):
        _call_ok("SetCryptlexHost", native.to_cstr(host))

    @staticmethod
    def SetTwoFactorAuthenticationCode(two_factor_authentication_code):
        _call_ok("SetTwoFactorAuthenticationCode", native.to_cstr(two_factor_authentication_code))

    @staticmethod
    def SetTlsPeerVerification(enable):
        """OpenLex extension (exported by the vendor library, absent from its wrapper)."""
        _call_ok("SetTlsPeerVerification", 1 if enable else 0)

    # ---------------------------------------------------------- product data
    @staticmethod
    def GetProductMetadata(key):
        return _get_string("GetProductMetadata", 8192, native.to_cstr(key))

    @staticmethod
    @deprecated("GetLicenseEntitlementSetName")
    def GetProductVersionName():
        return _get_string("GetProductVersionName", 256)

    @staticmethod
    @deprecated("GetLicenseEntitlementSetDisplayName")
    def GetProductVersionDisplayName():
        return _get_string("GetProductVersionDisplayName", 256)

    @staticmethod
    @deprecated("GetFeatureEntitlement")
    def GetProductVersionFeatureFlag(name):
        enabled = ctypes.c_uint32()
        size = 4096
        while True:
            buf = native.new_buffer(size)
            status = native.call("GetProductVersionFeatureFlag", native.to_cstr(name),
                                 ctypes.byref(enabled), buf, size)
            if status == LexStatusCodes.LA_E_BUFFER_SIZE and size < MAX_BUFFER_SIZE:
                size = min(size * GROWTH_FACTOR, MAX_BUFFER_SIZE)
                continue
            _check(status)
            return ProductVersionFeatureFlag(name, enabled.value > 0, native.from_buffer(buf))

    @staticmethod
    def GetProductId():
        """OpenLex extension: the product id embedded in the product data."""
        return _get_string("GetProductId", 256)

    @staticmethod
    def GetAccountId():
        """OpenLex extension: the account id embedded in the product data."""
        return _get_string("GetAccountId", 256)

    # ------------------------------------------------------ license details
    @staticmethod
    def GetLicenseEntitlementSetName():
        return _get_string("GetLicenseEntitlementSetName", 256)

    @staticmethod
    def GetLicenseEntitlementSetDisplayName():
        return _get_string("GetLicenseEntitlementSetDisplayName", 256)

    @staticmethod
    def GetLicenseEntitlementSetTier():
        return _get_number("GetLicenseEntitlementSetTier", ctypes.c_int64)

    @staticmethod
    def GetFeatureEntitlements():
        text = _get_json("GetFeatureEntitlementsInternal", 4096)
        if not text.strip():
            return []
        return [FeatureEntitlement(d) for d in json.loads(text)]

    @staticmethod
    def GetFeatureEntitlement(feature_name):
        text = _get_json("GetFeatureEntitlementInternal", 1024, native.to_cstr(feature_name))
        return FeatureEntitlement(json.loads(text))

    @staticmethod
    def GetLicenseMetadata(key):
        return _get_string("GetLicenseMetadata", 4096, native.to_cstr(key))

    @staticmethod
    def GetLicenseMeterAttribute(name):
        allowed = ctypes.c_int64()
        total = ctypes.c_uint64()
        gross = ctypes.c_uint64()
        _call_ok("GetLicenseMeterAttribute", native.to_cstr(name), ctypes.byref(allowed),
                 ctypes.byref(total), ctypes.byref(gross))
        return LicenseMeterAttribute(name, allowed.value, total.value, gross.value)

    @staticmethod
    def GetLicenseKey():
        return _get_string("GetLicenseKey", 256)

    @staticmethod
    def GetLicenseAllowedActivations():
        return _get_number("GetLicenseAllowedActivations", ctypes.c_int64, fail_is_zero=True)

    @staticmethod
    def GetLicenseTotalActivations():
        return _get_number("GetLicenseTotalActivations", ctypes.c_uint32, fail_is_zero=True)

    @staticmethod
    def GetLicenseAllowedDeactivations():
        return _get_number("GetLicenseAllowedDeactivations", ctypes.c_int64, fail_is_zero=True)

    @staticmethod
    def GetLicenseTotalDeactivations():
        return _get_number("GetLicenseTotalDeactivations", ctypes.c_uint32, fail_is_zero=True)

    @staticmethod
    def GetLicenseCreationDate():
        return _get_number("GetLicenseCreationDate", ctypes.c_uint32, fail_is_zero=True)

    @staticmethod
    def GetLicenseActivationDate():
        return _get_number("GetLicenseActivationDate", ctypes.c_uint32, fail_is_zero=True)

    @staticmethod
    def GetActivationCreationDate():
        return _get_number("GetActivationCreationDate", ctypes.c_uint32, fail_is_zero=True)

    @staticmethod
    def GetActivationLastSyncedDate():
        return _get_number("GetActivationLastSyncedDate", ctypes.c_uint32, fail_is_zero=True)

    @staticmethod
    def GetLicenseExpiryDate():
        return _get_number("GetLicenseExpiryDate", ctypes.c_uint32, fail_is_zero=True)

    @staticmethod
    def GetLicenseMaintenanceExpiryDate():
        return _get_number("GetLicenseMaintenanceExpiryDate", ctypes.c_uint32, fail_is_zero=True)

    @staticmethod
    def GetLicenseMaxAllowedReleaseVersion():
        return _get_string("GetLicenseMaxAllowedReleaseVersion", 256)

    @staticmethod
    def GetLicenseUserEmail():
        return _get_string("GetLicenseUserEmail", 256)

    @staticmethod
    def GetLicenseUserName():
        return _get_string("GetLicenseUserName", 256)

    @staticmethod
    def GetLicenseUserCompany():
        return _get_string("GetLicenseUserCompany", 256)

    @staticmethod
    def GetLicenseUserMetadata(key):
        return _get_string("GetLicenseUserMetadata", 4096, native.to_cstr(key))

    @staticmethod
    def GetLicenseOrganizationName():
        return _get_string("GetLicenseOrganizationName", 256)

    @staticmethod
    def GetLicenseOrganizationAddress():
        text = _get_json("GetLicenseOrganizationAddressInternal", 1024)
        if not text.strip():
            return None
        a = json.loads(text)
        return OrganizationAddress(a.get("addressLine1"), a.get("addressLine2"), a.get("city"),
                                   a.get("state"), a.get("country"), a.get("postalCode"))

    @staticmethod
    def GetUserLicenses():
        text = _get_json("GetUserLicensesInternal", 4096)
        if not text.strip():
            return []
        return [UserLicense(d) for d in json.loads(text)]

    @staticmethod
    def GetLicenseType():
        return _get_string("GetLicenseType", 256)

    @staticmethod
    def GetLicenseLeaseDuration():
        """OpenLex extension: the activation lease duration in seconds."""
        return _get_number("GetLicenseLeaseDuration", ctypes.c_int64)

    @staticmethod
    def GetLicenseLeasingStrategy():
        """OpenLex extension: per-machine or per-instance."""
        return _get_string("GetLicenseLeasingStrategy", 256)

    # --------------------------------------------------- activation details
    @staticmethod
    def GetActivationId():
        return _get_string("GetActivationId", 256)

    @staticmethod
    def GetActivationMetadata(key):
        return _get_string("GetActivationMetadata", 4096, native.to_cstr(key))

    @staticmethod
    def GetActivationMode():
        size = 256
        while True:
            initial = native.new_buffer(size)
            current = native.new_buffer(size)
            status = native.call("GetActivationMode", initial, size, current, size)
            if status == LexStatusCodes.LA_E_BUFFER_SIZE and size < MAX_BUFFER_SIZE:
                size = min(size * GROWTH_FACTOR, MAX_BUFFER_SIZE)
                continue
            _check(status)
            return ActivationMode(native.from_buffer(initial), native.from_buffer(current))

    @staticmethod
    def GetActivationMeterAttributeUses(name):
        uses = ctypes.c_uint32()
        _call_ok("GetActivationMeterAttributeUses", native.to_cstr(name), ctypes.byref(uses))
        return uses.value

    @staticmethod
    def GetServerSyncGracePeriodExpiryDate():
        return _get_number("GetServerSyncGracePeriodExpiryDate", ctypes.c_uint32, fail_is_zero=True)

    @staticmethod
    def GetLastActivationError():
        return _get_number("GetLastActivationError", ctypes.c_uint32)

    # ----------------------------------------------------------------- trial
    @staticmethod
    def GetTrialActivationMetadata(key):
        return _get_string("GetTrialActivationMetadata", 4096, native.to_cstr(key))

    @staticmethod
    def GetTrialExpiryDate():
        return _get_number("GetTrialExpiryDate", ctypes.c_uint32, fail_is_zero=True)

    @staticmethod
    def GetTrialId():
        return _get_string("GetTrialId", 256)

    @staticmethod
    def GetLocalTrialExpiryDate():
        return _get_number("GetLocalTrialExpiryDate", ctypes.c_uint32, fail_is_zero=True)

    # ------------------------------------------------------------------ misc
    @staticmethod
    def GetLibraryVersion():
        return _get_string("GetLibraryVersion", 256)

    @staticmethod
    def GetDataStoreInfo():
        text = _get_json("GetDataStoreInfoInternal", 2048)
        if not text.strip():
            return DataStoreInfo({})
        return DataStoreInfo(json.loads(text))

    @staticmethod
    @deprecated("CheckReleaseUpdate")
    def CheckForReleaseUpdate(platform, version, channel, release_callback):
        fn = _keep_alive(native.CallbackType(release_callback))
        _call_ok("CheckForReleaseUpdate", native.to_cstr(platform), native.to_cstr(version),
                 native.to_cstr(channel), fn)

    @staticmethod
    def CheckReleaseUpdate(release_update_callback, release_flags, user_data):
        """Calls release_update_callback(status, Release or None, user_data) from a library thread."""
        def internal_callback(status, release_json, _unused):
            release = None
            text = native.from_cstr(release_json)
            if text and text.strip():
                release = Release(json.loads(text))
            release_update_callback(status, release, user_data)

        fn = _keep_alive(native.ReleaseCallbackTypeInternal(internal_callback))
        _call_ok("CheckReleaseUpdateInternal", fn, release_flags, None)

    @staticmethod
    def AuthenticateUser(email, password):
        _call_ok("AuthenticateUser", native.to_cstr(email), native.to_cstr(password))
        return _OK

    @staticmethod
    def AuthenticateUserWithIdToken(id_token):
        _call_ok("AuthenticateUserWithIdToken", native.to_cstr(id_token))
        return _OK

    @staticmethod
    def LookupLicense(license_key):
        text = _get_json("LookupLicenseInternal", 1024, native.to_cstr(license_key))
        return LicenseLookupInfo(json.loads(text))

    # ------------------------------------------------------------ activation
    @staticmethod
    def ActivateLicense():
        """Returns LA_OK, LA_EXPIRED, LA_SUSPENDED or LA_FAIL; raises otherwise."""
        return _status_in(native.call("ActivateLicense"), (_OK, _EXPIRED, _SUSPENDED, _FAIL))

    @staticmethod
    def ActivateLicenseOffline(file_path):
        return _status_in(native.call("ActivateLicenseOffline", native.to_cstr(file_path)),
                          (_OK, _EXPIRED, _SUSPENDED, _FAIL))

    @staticmethod
    def GenerateOfflineActivationRequest(file_path):
        _call_ok("GenerateOfflineActivationRequest", native.to_cstr(file_path))

    @staticmethod
    def DeactivateLicense():
        return _status_in(native.call("DeactivateLicense"), (_OK, _FAIL))

    @staticmethod
    def GenerateOfflineDeactivationRequest(file_path):
        return _status_in(native.call("GenerateOfflineDeactivationRequest", native.to_cstr(file_path)),
                          (_OK, _FAIL))

    @staticmethod
    def IsLicenseGenuine():
        """Returns LA_OK, LA_EXPIRED, LA_SUSPENDED, LA_GRACE_PERIOD_OVER or LA_FAIL; raises otherwise."""
        return _status_in(native.call("IsLicenseGenuine"), (_OK, _EXPIRED, _SUSPENDED, _GRACE_OVER, _FAIL))

    @staticmethod
    def IsLicenseValid():
        return _status_in(native.call("IsLicenseValid"), (_OK, _EXPIRED, _SUSPENDED, _GRACE_OVER, _FAIL))

    @staticmethod
    def SyncLicenseActivation():
        return _status_in(native.call("SyncLicenseActivation"), (_OK, _EXPIRED, _SUSPENDED, _FAIL))

    @staticmethod
    def ActivateTrial():
        return _status_in(native.call("ActivateTrial"), (_OK, _TRIAL_EXPIRED, _FAIL))

    @staticmethod
    def SyncTrialActivation():
        return _status_in(native.call("SyncTrialActivation"), (_OK, _TRIAL_EXPIRED, _FAIL))

    @staticmethod
    def ActivateTrialOffline(file_path):
        return _status_in(native.call("ActivateTrialOffline", native.to_cstr(file_path)),
                          (_OK, _TRIAL_EXPIRED, _FAIL))

    @staticmethod
    def GenerateOfflineTrialActivationRequest(file_path):
        _call_ok("GenerateOfflineTrialActivationRequest", native.to_cstr(file_path))

    @staticmethod
    def IsTrialGenuine():
        return _status_in(native.call("IsTrialGenuine"), (_OK, _TRIAL_EXPIRED, _FAIL))

    @staticmethod
    def ActivateLocalTrial(trial_length):
        """Returns LA_OK, LA_LOCAL_TRIAL_EXPIRED or LA_FAIL; raises otherwise."""
        status = native.call("ActivateLocalTrial", trial_length)
        if status in (_TRIAL_EXPIRED, _LOCAL_TRIAL_EXPIRED):
            return _LOCAL_TRIAL_EXPIRED
        return _status_in(status, (_OK, _FAIL))

    @staticmethod
    def IsLocalTrialGenuine():
        """Returns LA_OK, LA_LOCAL_TRIAL_EXPIRED or LA_FAIL; raises otherwise."""
        status = native.call("IsLocalTrialGenuine")
        if status in (_TRIAL_EXPIRED, _LOCAL_TRIAL_EXPIRED):
            return _LOCAL_TRIAL_EXPIRED
        return _status_in(status, (_OK, _FAIL))

    @staticmethod
    def ExtendLocalTrial(trial_extension_length):
        return _status_in(native.call("ExtendLocalTrial", trial_extension_length), (_OK, _FAIL))

    # -------------------------------------------------------- meter attributes
    @staticmethod
    def IncrementActivationMeterAttributeUses(name, increment):
        _call_ok("IncrementActivationMeterAttributeUses", native.to_cstr(name), increment)

    @staticmethod
    def DecrementActivationMeterAttributeUses(name, decrement):
        _call_ok("DecrementActivationMeterAttributeUses", native.to_cstr(name), decrement)

    @staticmethod
    def ResetActivationMeterAttributeUses(name):
        _call_ok("ResetActivationMeterAttributeUses", native.to_cstr(name))

    @staticmethod
    def MigrateToSystemWideActivation(old_permission_flag):
        return _status_in(native.call("MigrateToSystemWideActivation", old_permission_flag), (_OK, _FAIL))

    @staticmethod
    def Reset():
        _call_ok("Reset")
