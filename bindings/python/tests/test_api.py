"""API surface: same classes and methods as the vendor wrapper, offline behaviour."""

import inspect

import pytest

import openlex
from openlex import (LexActivator, LexActivatorException, LexStatusCodes, PermissionFlags,
                     ReleaseFlags, lexactivator)

# The public static methods of cryptlex.lexactivator 3.46.0's LexActivator, with their parameters.
VENDOR_METHODS = {
    "SetProductFile": ["file_path"], "SetProductData": ["product_data"],
    "SetProductId": ["product_id", "flags"], "SetDataDirectory": ["directory_path"],
    "SetDebugMode": ["enable"], "SetCacheMode": ["enable"],
    "SetCustomDeviceFingerprint": ["fingerprint"], "SetLicenseKey": ["license_key"],
    "SetLicenseUserCredential": ["email", "password"], "SetLicenseCallback": ["license_callback"],
    "SetActivationLeaseDuration": ["lease_duration"], "SetActivationMetadata": ["key", "value"],
    "SetTrialActivationMetadata": ["key", "value"], "SetAppVersion": ["app_version"],
    "SetReleaseVersion": ["release_version"], "SetReleasePublishedDate": ["release_published_date"],
    "SetReleasePlatform": ["release_platform"], "SetReleaseChannel": ["release_channel"],
    "SetOfflineActivationRequestMeterAttributeUses": ["name", "uses"], "SetNetworkProxy": ["proxy"],
    "SetCryptlexHost": ["host"], "SetTwoFactorAuthenticationCode": ["two_factor_authentication_code"],
    "GetProductMetadata": ["key"], "GetProductVersionName": [], "GetProductVersionDisplayName": [],
    "GetProductVersionFeatureFlag": ["name"], "GetLicenseEntitlementSetName": [],
    "GetLicenseEntitlementSetDisplayName": [], "GetLicenseEntitlementSetTier": [],
    "GetFeatureEntitlements": [], "GetFeatureEntitlement": ["feature_name"], "GetLicenseMetadata": ["key"],
    "GetLicenseMeterAttribute": ["name"], "GetLicenseKey": [], "GetLicenseAllowedActivations": [],
    "GetLicenseTotalActivations": [], "GetLicenseAllowedDeactivations": [], "GetLicenseTotalDeactivations": [],
    "GetLicenseCreationDate": [], "GetLicenseActivationDate": [], "GetActivationCreationDate": [],
    "GetActivationLastSyncedDate": [], "GetLicenseExpiryDate": [], "GetLicenseMaintenanceExpiryDate": [],
    "GetLicenseMaxAllowedReleaseVersion": [], "GetLicenseUserEmail": [], "GetLicenseUserName": [],
    "GetLicenseUserCompany": [], "GetLicenseUserMetadata": ["key"], "GetLicenseOrganizationName": [],
    "GetLicenseOrganizationAddress": [], "GetUserLicenses": [], "GetLicenseType": [], "GetActivationId": [],
    "GetActivationMetadata": ["key"], "GetActivationMode": [], "GetActivationMeterAttributeUses": ["name"],
    "GetServerSyncGracePeriodExpiryDate": [], "GetLastActivationError": [],
    "GetTrialActivationMetadata": ["key"], "GetTrialExpiryDate": [], "GetTrialId": [],
    "GetLocalTrialExpiryDate": [], "GetLibraryVersion": [], "GetDataStoreInfo": [],
    "CheckForReleaseUpdate": ["platform", "version", "channel", "release_callback"],
    "CheckReleaseUpdate": ["release_update_callback", "release_flags", "user_data"],
    "AuthenticateUser": ["email", "password"], "AuthenticateUserWithIdToken": ["id_token"],
    "LookupLicense": ["license_key"], "ActivateLicense": [], "ActivateLicenseOffline": ["file_path"],
    "GenerateOfflineActivationRequest": ["file_path"], "DeactivateLicense": [],
    "GenerateOfflineDeactivationRequest": ["file_path"], "IsLicenseGenuine": [], "IsLicenseValid": [],
    "SyncLicenseActivation": [], "ActivateTrial": [], "SyncTrialActivation": [],
    "ActivateTrialOffline": ["file_path"], "GenerateOfflineTrialActivationRequest": ["file_path"],
    "IsTrialGenuine": [], "ActivateLocalTrial": ["trial_length"], "IsLocalTrialGenuine": [],
    "ExtendLocalTrial": ["trial_extension_length"],
    "IncrementActivationMeterAttributeUses": ["name", "increment"],
    "DecrementActivationMeterAttributeUses": ["name", "decrement"],
    "ResetActivationMeterAttributeUses": ["name"], "MigrateToSystemWideActivation": ["old_permission_flag"],
    "Reset": [],
}


@pytest.mark.parametrize("name", sorted(VENDOR_METHODS))
def test_vendor_method_exists_with_same_parameters(name):
    method = getattr(LexActivator, name)
    assert list(inspect.signature(method).parameters) == VENDOR_METHODS[name]


def test_exported_classes():
    for name in ["LexActivator", "LexStatusCodes", "LexActivatorException", "PermissionFlags", "ReleaseFlags",
                 "LicenseMeterAttribute", "FeatureEntitlement", "ProductVersionFeatureFlag", "ActivationMode",
                 "OrganizationAddress", "Metadata", "UserLicense", "DataStoreInfo", "LicenseLookupInfo",
                 "Release", "ReleaseFile"]:
        assert hasattr(openlex, name), name
        assert hasattr(lexactivator, name) or name in ("LexStatusCodes", "LexActivatorException",
                                                        "Release", "ReleaseFile")


def test_constants():
    assert (PermissionFlags.LA_USER, PermissionFlags.LA_SYSTEM, PermissionFlags.LA_ALL_USERS,
            PermissionFlags.LA_IN_MEMORY) == (1, 2, 3, 4)
    assert (ReleaseFlags.LA_RELEASES_ALL, ReleaseFlags.LA_RELEASES_ALLOWED) == (1, 2)
    assert LexStatusCodes.LA_E_BUFFER_SIZE == 51
    assert LexStatusCodes.LA_E_ACTIVATION_CLONE_DETECTED == 114


def test_exception_messages():
    e = LexActivatorException(LexStatusCodes.LA_E_LICENSE_KEY)
    assert e.code == 54 and e.message == "Invalid license key." and str(e) == "Invalid license key."
    assert LexActivatorException(58).message == "The license has reached it's allowed activations limit."
    assert LexActivatorException(9999).message == "Unknown error!"
    assert LexActivatorException.get_error_message(43) == "The product id is incorrect."


def test_library_version():
    assert LexActivator.GetLibraryVersion()


def test_deprecated_methods_warn():
    with pytest.warns(DeprecationWarning, match="SetProductData"):
        with pytest.raises(LexActivatorException):
            LexActivator.SetProductFile("/nonexistent/Product.dat")


def test_bad_product_data_raises_42():
    with pytest.raises(LexActivatorException) as info:
        LexActivator.SetProductData("not product data")
    assert info.value.code == LexStatusCodes.LA_E_PRODUCT_DATA
