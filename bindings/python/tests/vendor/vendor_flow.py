"""Runs INSIDE the throwaway virtualenv, against the vendor's cryptlex-lexactivator package
exactly as pip installed it from PyPI, whose native library file has been replaced by
OpenLex's libLexActivator.so. Only the vendor's public API is used.

Inputs (environment): VENDOR_FLOW_PRODUCT_DATA, VENDOR_FLOW_PRODUCT_ID, VENDOR_FLOW_LICENSE_KEY,
VENDOR_FLOW_DATA_DIR, VENDOR_FLOW_OPENLEX_SHA256, OPENLEX_SERVER_URL (and SSL_CERT_FILE for TLS).
Exits non-zero on the first failed check.
"""

import hashlib
import os
import sys
import time

from cryptlex.lexactivator import (LexActivator, LexActivatorException, LexStatusCodes,
                                   PermissionFlags)

env = os.environ
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        print("vendor flow: FAILED: %s" % what)
        sys.exit(1)
    print("  ok  %s" % what)


def loaded_lexactivator_files():
    with open("/proc/self/maps") as maps:
        return sorted({line.split()[-1] for line in maps if "libLexActivator" in line})


# 0. The process really runs OpenLex's library through the vendor's loader.
mapped = loaded_lexactivator_files()
check(len(mapped) == 1, "exactly one libLexActivator is mapped: %s" % mapped)
with open(mapped[0], "rb") as f:
    digest = hashlib.sha256(f.read()).hexdigest()
check(digest == env["VENDOR_FLOW_OPENLEX_SHA256"], "the mapped library is OpenLex's build (%s)" % mapped[0])
import cryptlex.lexactivator  # noqa: E402
check(os.path.dirname(cryptlex.lexactivator.__file__) in mapped[0],
      "it was loaded from inside the installed vendor package")

key = env["VENDOR_FLOW_LICENSE_KEY"]

# 1. Setup.
LexActivator.SetDataDirectory(env["VENDOR_FLOW_DATA_DIR"])
LexActivator.SetProductData(env["VENDOR_FLOW_PRODUCT_DATA"])
LexActivator.SetProductId(env["VENDOR_FLOW_PRODUCT_ID"], PermissionFlags.LA_USER)
LexActivator.SetCryptlexHost(env["OPENLEX_SERVER_URL"])
check(True, "SetDataDirectory, SetProductData, SetProductId(LA_USER), SetCryptlexHost")
check(LexActivator.GetLibraryVersion() != "", "GetLibraryVersion: %s" % LexActivator.GetLibraryVersion())

# 2. Errors surface as the vendor's exceptions.
try:
    LexActivator.SetLicenseKey("NOT-A-REAL-KEY")
    LexActivator.ActivateLicense()
    check(False, "a bad key raises")
except LexActivatorException as exc:
    check(exc.code == LexStatusCodes.LA_E_LICENSE_KEY, "bad key -> LexActivatorException %d (%s)" % (exc.code, exc.message))

# 3. Activation.
LexActivator.SetLicenseKey(key)
LexActivator.SetActivationMetadata("host", "vendor-wrapper-proof")
before = int(time.time())
status = LexActivator.ActivateLicense()
check(status == LexStatusCodes.LA_OK, "ActivateLicense -> %d" % status)
status = LexActivator.IsLicenseGenuine()
check(status == LexStatusCodes.LA_OK, "IsLicenseGenuine -> %d" % status)
check(LexActivator.IsLicenseValid() == LexStatusCodes.LA_OK, "IsLicenseValid")

# 4. Getters.
check(LexActivator.GetLicenseKey() == key, "GetLicenseKey")
check(LexActivator.GetLicenseType() == "node-locked", "GetLicenseType: %s" % LexActivator.GetLicenseType())
activation_id = LexActivator.GetActivationId()
check(len(activation_id) > 0, "GetActivationId: %s" % activation_id)
expiry = LexActivator.GetLicenseExpiryDate()
check(before + 86400 * 6 < expiry < before + 86400 * 8, "GetLicenseExpiryDate: %d (7-day license)" % expiry)
check(LexActivator.GetActivationMetadata("host") == "vendor-wrapper-proof", "GetActivationMetadata")
check(LexActivator.GetLicenseMetadata("Tier") == "gold", "GetLicenseMetadata")
check(LexActivator.GetLicenseAllowedActivations() == 2, "GetLicenseAllowedActivations")
check(LexActivator.GetLicenseTotalActivations() == 1, "GetLicenseTotalActivations")
features = LexActivator.GetFeatureEntitlements()
names = sorted((f.feature_name, f.value) for f in features)
check(names == [("export", "true"), ("seats", "5")], "GetFeatureEntitlements: %s" % names)
check(LexActivator.GetFeatureEntitlement("seats").value == "5", "GetFeatureEntitlement")
mode = LexActivator.GetActivationMode()
check((mode.initialMode, mode.currentMode) == ("online", "online"), "GetActivationMode")
info = LexActivator.GetDataStoreInfo()
check(info.permission_flag == "la-user", "GetDataStoreInfo: %s %s" % (info.storage_kind, info.permission_flag))
lookup = LexActivator.LookupLicense(key)
check((lookup.key, lookup.type) == (key, "node-locked"), "LookupLicense")
try:
    LexActivator.GetLicenseMetadata("no-such-key")
    check(False, "missing metadata raises")
except LexActivatorException as exc:
    check(exc.code == LexStatusCodes.LA_E_METADATA_KEY_NOT_FOUND, "missing metadata -> %d" % exc.code)

# 5. Deactivation.
check(LexActivator.DeactivateLicense() == LexStatusCodes.LA_OK, "DeactivateLicense")
check(LexActivator.IsLicenseGenuine() == LexStatusCodes.LA_FAIL, "IsLicenseGenuine after deactivation -> LA_FAIL")

# 6. Local trial. (The vendor wrapper maps 25, not 26, to LA_LOCAL_TRIAL_EXPIRED, so expiry is
#    deliberately not exercised here.)
check(LexActivator.ActivateLocalTrial(3) == LexStatusCodes.LA_OK, "ActivateLocalTrial(3)")
check(LexActivator.IsLocalTrialGenuine() == LexStatusCodes.LA_OK, "IsLocalTrialGenuine")
trial_expiry = LexActivator.GetLocalTrialExpiryDate()
check(trial_expiry > time.time() + 2 * 86400, "GetLocalTrialExpiryDate: %d" % trial_expiry)

print("vendor flow: %d checks passed" % checks)
