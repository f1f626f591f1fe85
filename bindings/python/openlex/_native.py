"""Low-level ctypes access to libLexActivator (OpenLex or the vendor's library).

``SIGNATURES`` is the single declarative table of every exported name (exports.txt)
with its ``(restype, argtypes)``. Functions are bound lazily, on first use, so an
older library lacking an optional symbol still works for everything else.
"""

import ctypes
import ctypes.util
import os
import sys
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int,
                    c_int64, c_uint32, c_uint64, c_void_p, c_wchar, c_wchar_p)

# ---------------------------------------------------------------------------
# Character types: UTF-8 char on Unix, UTF-16 wchar_t on Windows (LexTypes.h).
# ---------------------------------------------------------------------------
IS_WINDOWS = sys.platform == "win32"
CHARTYPE = c_wchar if IS_WINDOWS else c_char
CSTRTYPE = c_wchar_p if IS_WINDOWS else c_char_p
STRTYPE = CSTRTYPE  # output buffers are passed as (w)char arrays

BUFFER_SIZE_256 = 256
BUFFER_SIZE_1024 = 1024
BUFFER_SIZE_2048 = 2048
BUFFER_SIZE_4096 = 4096
MAX_METADATA_SIZE = 100
MAX_RELEASE_PLATFORMS = 10
MAX_RELEASE_FILES = 10


def to_cstr(value):
    """Python str -> argument for a CSTRTYPE parameter."""
    if value is None:
        return None
    if IS_WINDOWS:
        return str(value)
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def new_buffer(size):
    """A zeroed output buffer of ``size`` characters."""
    if IS_WINDOWS:
        return ctypes.create_unicode_buffer(size)
    return ctypes.create_string_buffer(size)


def from_buffer(buf):
    """Decodes a NUL-terminated output buffer."""
    if IS_WINDOWS:
        return buf.value
    return buf.value.decode("utf-8", errors="replace")


def from_cstr(value):
    """Decodes a CSTRTYPE received in a callback (may be None)."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


# ---------------------------------------------------------------------------
# Structures of LexTypes.h (for the struct forms; the high-level API uses the
# JSON "Internal" forms, as the vendor's wrapper does).
# ---------------------------------------------------------------------------
class FeatureEntitlementStruct(Structure):
    _fields_ = [("featureName", CHARTYPE * BUFFER_SIZE_256),
                ("featureDisplayName", CHARTYPE * BUFFER_SIZE_256),
                ("value", CHARTYPE * BUFFER_SIZE_256),
                ("baseValue", CHARTYPE * BUFFER_SIZE_256),
                ("expiresAt", c_int64)]


class OrganizationAddressStruct(Structure):
    _fields_ = [(name, CHARTYPE * BUFFER_SIZE_256) for name in
                ("addressLine1", "addressLine2", "city", "state", "country", "postalCode")]


class MetadataStruct(Structure):
    _fields_ = [("key", CHARTYPE * BUFFER_SIZE_256),
                ("value", CHARTYPE * BUFFER_SIZE_4096)]


class UserLicenseStruct(Structure):
    _fields_ = [("allowedActivations", c_int64),
                ("allowedDeactivations", c_int64),
                ("key", CHARTYPE * BUFFER_SIZE_256),
                ("totalActivations", c_uint32),
                ("totalDeactivations", c_uint32),
                ("type", CHARTYPE * BUFFER_SIZE_256),
                ("metadata", MetadataStruct * MAX_METADATA_SIZE)]


class DataStoreInfoStruct(Structure):
    _fields_ = [("storageKind", CHARTYPE * BUFFER_SIZE_256),
                ("permissionFlag", CHARTYPE * BUFFER_SIZE_256),
                ("isCustomDataDirectory", c_uint32),
                ("path", CHARTYPE * BUFFER_SIZE_1024)]


class LicenseLookupInfoStruct(Structure):
    _fields_ = [("key", CHARTYPE * BUFFER_SIZE_256),
                ("type", CHARTYPE * BUFFER_SIZE_256)]


class ReleaseFileStruct(Structure):
    _fields_ = [("size", c_int), ("downloads", c_int), ("secured", c_int),
                ("id", CHARTYPE * BUFFER_SIZE_256),
                ("name", CHARTYPE * BUFFER_SIZE_256),
                ("url", CHARTYPE * BUFFER_SIZE_2048),
                ("extension", CHARTYPE * BUFFER_SIZE_256),
                ("checksum", CHARTYPE * BUFFER_SIZE_256),
                ("releaseId", CHARTYPE * BUFFER_SIZE_256),
                ("createdAt", CHARTYPE * BUFFER_SIZE_256),
                ("updatedAt", CHARTYPE * BUFFER_SIZE_256)]


class ReleaseStruct(Structure):
    _fields_ = [("totalFiles", c_int), ("isPrivate", c_int), ("published", c_int),
                ("id", CHARTYPE * BUFFER_SIZE_256),
                ("createdAt", CHARTYPE * BUFFER_SIZE_256),
                ("updatedAt", CHARTYPE * BUFFER_SIZE_256),
                ("name", CHARTYPE * BUFFER_SIZE_256),
                ("channel", CHARTYPE * BUFFER_SIZE_256),
                ("version", CHARTYPE * BUFFER_SIZE_256),
                ("notes", CHARTYPE * BUFFER_SIZE_4096),
                ("publishedAt", CHARTYPE * BUFFER_SIZE_256),
                ("productId", CHARTYPE * BUFFER_SIZE_256),
                ("platforms", (CHARTYPE * BUFFER_SIZE_256) * MAX_RELEASE_PLATFORMS),
                ("files", ReleaseFileStruct * MAX_RELEASE_FILES)]


# Callback types (LexActivator.h).
CallbackType = CFUNCTYPE(None, c_uint32)
ReleaseCallbackType = CFUNCTYPE(None, c_int, POINTER(ReleaseStruct), c_void_p)
ReleaseCallbackTypeInternal = CFUNCTYPE(None, c_int, CSTRTYPE, c_void_p)

# ---------------------------------------------------------------------------
# The table: every name in exports.txt -> (restype, argtypes).
# ---------------------------------------------------------------------------
_S = CSTRTYPE   # const input string
_O = STRTYPE    # output buffer
_U = c_uint32
_PU = POINTER(c_uint32)
_PI64 = POINTER(c_int64)
_PU64 = POINTER(c_uint64)

SIGNATURES = {
    # Activation and validation
    "ActivateLicense": (c_int, []),
    "ActivateLicenseOffline": (c_int, [_S]),
    "GenerateOfflineActivationRequest": (c_int, [_S]),
    "DeactivateLicense": (c_int, []),
    "GenerateOfflineDeactivationRequest": (c_int, [_S]),
    "IsLicenseGenuine": (c_int, []),
    "IsLicenseValid": (c_int, []),
    "SyncLicenseActivation": (c_int, []),
    # Trials
    "ActivateTrial": (c_int, []),
    "ActivateTrialOffline": (c_int, [_S]),
    "GenerateOfflineTrialActivationRequest": (c_int, [_S]),
    "IsTrialGenuine": (c_int, []),
    "SyncTrialActivation": (c_int, []),
    "ActivateLocalTrial": (c_int, [_U]),
    "IsLocalTrialGenuine": (c_int, []),
    "ExtendLocalTrial": (c_int, [_U]),
    # Setup
    "SetProductFile": (c_int, [_S]),
    "SetProductData": (c_int, [_S]),
    "SetProductId": (c_int, [_S, _U]),
    "SetDataDirectory": (c_int, [_S]),
    "SetDebugMode": (c_int, [_U]),
    "SetCacheMode": (c_int, [_U]),
    "SetCustomDeviceFingerprint": (c_int, [_S]),
    "SetNetworkProxy": (c_int, [_S]),
    "SetCryptlexHost": (c_int, [_S]),
    "SetTlsPeerVerification": (c_int, [_U]),
    "SetLicenseCallback": (c_int, [CallbackType]),
    "MigrateToSystemWideActivation": (c_int, [_U]),
    "Reset": (c_int, []),
    # Setters
    "SetLicenseKey": (c_int, [_S]),
    "SetProductKey": (c_int, [_S]),
    "SetLicenseUserCredential": (c_int, [_S, _S]),
    "SetActivationLeaseDuration": (c_int, [c_int64]),
    "SetActivationMetadata": (c_int, [_S, _S]),
    "SetTrialActivationMetadata": (c_int, [_S, _S]),
    "SetAppVersion": (c_int, [_S]),
    "SetReleaseVersion": (c_int, [_S]),
    "SetReleasePublishedDate": (c_int, [_U]),
    "SetReleasePlatform": (c_int, [_S]),
    "SetReleaseChannel": (c_int, [_S]),
    "SetOfflineActivationRequestMeterAttributeUses": (c_int, [_S, _U]),
    "SetTwoFactorAuthenticationCode": (c_int, [_S]),
    # Product getters
    "GetProductMetadata": (c_int, [_S, _O, _U]),
    "GetProductVersionName": (c_int, [_O, _U]),
    "GetProductVersionDisplayName": (c_int, [_O, _U]),
    "GetProductVersionFeatureFlag": (c_int, [_S, _PU, _O, _U]),
    "GetProductId": (c_int, [_O, _U]),
    "GetAccountId": (c_int, [_O, _U]),
    "GetLibraryVersion": (c_int, [_O, _U]),
    # License getters
    "GetLicenseEntitlementSetName": (c_int, [_O, _U]),
    "GetLicenseEntitlementSetDisplayName": (c_int, [_O, _U]),
    "GetLicenseEntitlementSetTier": (c_int, [_PI64]),
    "GetFeatureEntitlements": (c_int, [POINTER(FeatureEntitlementStruct), _U]),
    "GetFeatureEntitlement": (c_int, [_S, POINTER(FeatureEntitlementStruct)]),
    "GetFeatureEntitlementsInternal": (c_int, [_O, _U]),
    "GetFeatureEntitlementInternal": (c_int, [_S, _O, _U]),
    "GetLicenseMetadata": (c_int, [_S, _O, _U]),
    "GetLicenseMeterAttribute": (c_int, [_S, _PI64, _PU64, _PU64]),
    "GetLicenseKey": (c_int, [_O, _U]),
    "GetLicenseAllowedActivations": (c_int, [_PI64]),
    "GetLicenseTotalActivations": (c_int, [_PU]),
    "GetLicenseAllowedDeactivations": (c_int, [_PI64]),
    "GetLicenseTotalDeactivations": (c_int, [_PU]),
    "GetLicenseCreationDate": (c_int, [_PU]),
    "GetLicenseActivationDate": (c_int, [_PU]),
    "GetActivationCreationDate": (c_int, [_PU]),
    "GetActivationLastSyncedDate": (c_int, [_PU]),
    "GetLicenseExpiryDate": (c_int, [_PU]),
    "GetLicenseMaintenanceExpiryDate": (c_int, [_PU]),
    "GetLicenseMaxAllowedReleaseVersion": (c_int, [_O, _U]),
    "GetLicenseUserEmail": (c_int, [_O, _U]),
    "GetLicenseUserName": (c_int, [_O, _U]),
    "GetLicenseUserCompany": (c_int, [_O, _U]),
    "GetLicenseUserMetadata": (c_int, [_S, _O, _U]),
    "GetLicenseOrganizationName": (c_int, [_O, _U]),
    "GetLicenseOrganizationAddress": (c_int, [POINTER(OrganizationAddressStruct)]),
    "GetLicenseOrganizationAddressInternal": (c_int, [_O, _U]),
    "GetUserLicenses": (c_int, [POINTER(UserLicenseStruct), _U]),
    "GetUserLicensesInternal": (c_int, [_O, _U]),
    "GetLicenseType": (c_int, [_O, _U]),
    "GetLicenseLeaseDuration": (c_int, [_PI64]),
    "GetLicenseLeasingStrategy": (c_int, [_O, _U]),
    # Activation getters
    "GetActivationId": (c_int, [_O, _U]),
    "GetActivationMetadata": (c_int, [_S, _O, _U]),
    "GetActivationMode": (c_int, [_O, _U, _O, _U]),
    "GetActivationMeterAttributeUses": (c_int, [_S, _PU]),
    "GetServerSyncGracePeriodExpiryDate": (c_int, [_PU]),
    "GetLastActivationError": (c_int, [_PU]),
    "GetDataStoreInfo": (c_int, [POINTER(DataStoreInfoStruct)]),
    "GetDataStoreInfoInternal": (c_int, [_O, _U]),
    # Trial getters
    "GetTrialActivationMetadata": (c_int, [_S, _O, _U]),
    "GetTrialExpiryDate": (c_int, [_PU]),
    "GetTrialId": (c_int, [_O, _U]),
    "GetLocalTrialExpiryDate": (c_int, [_PU]),
    # Meter attributes
    "IncrementActivationMeterAttributeUses": (c_int, [_S, _U]),
    "DecrementActivationMeterAttributeUses": (c_int, [_S, _U]),
    "ResetActivationMeterAttributeUses": (c_int, [_S]),
    # Releases
    "CheckReleaseUpdate": (c_int, [ReleaseCallbackType, _U, c_void_p]),
    "CheckReleaseUpdateInternal": (c_int, [ReleaseCallbackTypeInternal, _U, c_void_p]),
    "CheckForReleaseUpdate": (c_int, [_S, _S, _S, CallbackType]),
    # Users
    "AuthenticateUser": (c_int, [_S, _S]),
    "AuthenticateUserWithIdToken": (c_int, [_S]),
    "LookupLicense": (c_int, [_S, POINTER(LicenseLookupInfoStruct)]),
    "LookupLicenseInternal": (c_int, [_S, _O, _U]),
}

# ---------------------------------------------------------------------------
# Locating and loading the library.
# ---------------------------------------------------------------------------
if IS_WINDOWS:
    LIBRARY_FILE = "LexActivator.dll"
elif sys.platform == "darwin":
    LIBRARY_FILE = "libLexActivator.dylib"
else:
    LIBRARY_FILE = "libLexActivator.so"

PACKAGE_LIB_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "libs")


ENV_LIBRARY = "OPENLEX_LIBRARY"
ENV_VENDOR_PATH = "LEXACTIVATOR_LIBRARY_PATH"


class LibraryNotFoundError(OSError):
    """The library could not be found or loaded; the message says where it was looked for."""


def candidate_paths():
    """Where the library is looked for, in order (see README.md): (path, what set it) pairs."""
    found = []
    explicit = os.environ.get(ENV_LIBRARY)
    if explicit:
        found.append((explicit, ENV_LIBRARY))
    vendor_style = os.environ.get(ENV_VENDOR_PATH)
    if vendor_style:
        if os.path.isdir(vendor_style):
            found.append((os.path.join(vendor_style, LIBRARY_FILE), ENV_VENDOR_PATH))
        else:
            found.append((vendor_style, ENV_VENDOR_PATH))
    found.append((os.path.join(PACKAGE_LIB_DIR, LIBRARY_FILE), "the package's libs/ directory"))
    return found


def _how_to_fix():
    return ("Set %s to the library's full path (for example target/release/%s after "
            "`cargo build --release --lib`), or install a wheel that bundles it."
            % (ENV_LIBRARY, LIBRARY_FILE))


def _locate():
    """(path or bare name to load, where it came from, what was looked at before it)."""
    paths = candidate_paths()
    if paths[0][1] != paths[-1][1]:
        # An explicit setting that points nowhere is an error, not a silent fallback.
        path, source = paths[0]
        if not os.path.exists(path):
            raise LibraryNotFoundError(
                "LexActivator library not found at %r (from %s). %s" % (path, source, _how_to_fix()))
        return path, source, []
    bundled = paths[-1][0]
    looked = ["%s: not set" % ENV_LIBRARY, "%s: not set" % ENV_VENDOR_PATH]
    if os.path.exists(bundled):
        return bundled, "the package's libs/ directory", looked
    looked.append("%s: no such file" % bundled)
    system = ctypes.util.find_library("LexActivator")
    if system:
        return system, "the system loader (ctypes.util.find_library)", looked
    looked.append("ctypes.util.find_library('LexActivator'): nothing")
    return LIBRARY_FILE, "the system loader's search path", looked


def find_library():
    """The path (or bare name, for the system loader) of the library to load."""
    return _locate()[0]


_library = None
_bound = {}


def library():
    """The loaded library (loaded on first use); LibraryNotFoundError says where it looked."""
    global _library
    if _library is None:
        path, source, looked = _locate()
        mode = ctypes.RTLD_GLOBAL if sys.platform == "darwin" else ctypes.DEFAULT_MODE
        try:
            _library = ctypes.CDLL(path, mode=mode)
        except OSError as err:
            looked.append("%s (%s): %s" % (path, source, err))
            raise LibraryNotFoundError(
                "LexActivator library could not be loaded. Looked at:\n  - %s\n%s"
                % ("\n  - ".join(looked), _how_to_fix())) from err
    return _library


def library_path():
    """The file the library was loaded from (after loading)."""
    return getattr(library(), "_name", None)


def function(name):
    """The bound foreign function ``name``, typed from SIGNATURES."""
    fn = _bound.get(name)
    if fn is None:
        restype, argtypes = SIGNATURES[name]
        fn = getattr(library(), name)
        fn.restype = restype
        fn.argtypes = argtypes
        _bound[name] = fn
    return fn


def call(name, *args):
    """Calls the exported function ``name`` and returns its status."""
    return function(name)(*args)
