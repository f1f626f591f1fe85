"""Licensing flows against a real openlex-server (run under scripts/with-server.sh)."""

import gc
import time

import pytest

from conftest import setup_library
from openlex import (FeatureEntitlement, LexActivator, LexActivatorException, LexStatusCodes,
                     PermissionFlags, lexactivator)


def activate(key):
    LexActivator.SetLicenseKey(key)
    return LexActivator.ActivateLicense()


def test_product_data_and_id(server, product):
    assert LexActivator.GetProductId() == product.id
    with pytest.raises(LexActivatorException) as info:
        LexActivator.SetProductId("", PermissionFlags.LA_USER)
    assert info.value.code == LexStatusCodes.LA_E_PRODUCT_ID
    LexActivator.SetProductId(product.id, PermissionFlags.LA_USER)
    info = LexActivator.GetDataStoreInfo()
    assert info.permission_flag == "la-user"
    assert info.is_custom_data_directory is True
    # Product metadata arrives with the activation.
    _, key = product.license()
    assert activate(key) == LexStatusCodes.LA_OK
    assert LexActivator.GetProductMetadata("edition") == "pro"
    with pytest.raises(LexActivatorException) as info:
        LexActivator.GetProductMetadata("missing")
    assert info.value.code == LexStatusCodes.LA_E_METADATA_KEY_NOT_FOUND


def test_activate_getters_and_deactivate(server, product):
    _, key = product.license(allowedActivations=3, validity=86400 * 30,
                             metadata=[{"key": "Tier", "value": "gold"}],
                             organizationName="ACME")
    LexActivator.SetLicenseKey(key)
    LexActivator.SetActivationMetadata("seat", "build-agent-7")
    before = int(time.time())
    assert LexActivator.ActivateLicense() == LexStatusCodes.LA_OK
    assert LexActivator.IsLicenseGenuine() == LexStatusCodes.LA_OK
    assert LexActivator.IsLicenseValid() == LexStatusCodes.LA_OK

    assert LexActivator.GetLicenseKey() == key
    assert LexActivator.GetLicenseType() == "node-locked"
    assert LexActivator.GetActivationId()
    expiry = LexActivator.GetLicenseExpiryDate()
    assert before + 86400 * 29 < expiry <= int(time.time()) + 86400 * 30 + 5
    assert LexActivator.GetLicenseMetadata("tier") == "gold"
    assert LexActivator.GetActivationMetadata("seat") == "build-agent-7"
    assert LexActivator.GetLicenseAllowedActivations() == 3
    assert LexActivator.GetLicenseTotalActivations() == 1
    assert LexActivator.GetLicenseOrganizationName() == "ACME"
    assert LexActivator.GetLicenseActivationDate() >= before - 5
    mode = LexActivator.GetActivationMode()
    assert (mode.initialMode, mode.currentMode) == ("online", "online")
    with pytest.raises(LexActivatorException) as info:
        LexActivator.GetLicenseMetadata("nope")
    assert info.value.code == LexStatusCodes.LA_E_METADATA_KEY_NOT_FOUND

    assert LexActivator.DeactivateLicense() == LexStatusCodes.LA_OK
    assert LexActivator.IsLicenseGenuine() == LexStatusCodes.LA_FAIL
    assert LexActivator.DeactivateLicense() == LexStatusCodes.LA_FAIL


def test_callback_after_background_sync_and_suspension(server, product, callbacks):
    # Created with the CLI, as an operator would.
    lic = server.cli("license", "create", "--product-id", product.id, "--server-sync-interval", "1")
    LexActivator.SetLicenseCallback(callbacks)
    gc.collect()  # the binding, not the caller, keeps the ctypes callback object alive
    assert activate(lic["key"]) == LexStatusCodes.LA_OK
    assert LexActivator.IsLicenseGenuine() == LexStatusCodes.LA_OK  # starts the sync thread
    callbacks.wait_for(LexStatusCodes.LA_OK)
    assert lic["key"] in callbacks.keys_read, "getters work inside the callback"

    status, body = server.admin("PATCH", "/v3/licenses/%s" % lic["id"], {"suspended": True})
    assert status < 300, body
    callbacks.wait_for(LexStatusCodes.LA_SUSPENDED)
    assert LexActivator.IsLicenseGenuine() == LexStatusCodes.LA_SUSPENDED

    callbacks.clear()
    status, body = server.admin("PATCH", "/v3/licenses/%s" % lic["id"], {"suspended": False})
    assert status < 300, body
    callbacks.wait_for(LexStatusCodes.LA_OK)
    assert LexActivator.IsLicenseGenuine() == LexStatusCodes.LA_OK
    assert LexActivator.DeactivateLicense() == LexStatusCodes.LA_OK
    assert any(isinstance(fn, lexactivator.native.CallbackType) for fn in lexactivator.callback_list)


def test_sync_reports_suspension(server, product):
    lid, key = product.license()
    assert activate(key) == LexStatusCodes.LA_OK
    status, body = server.admin("PATCH", "/v3/licenses/%s" % lid, {"suspended": True})
    assert status < 300, body
    assert LexActivator.SyncLicenseActivation() == LexStatusCodes.LA_SUSPENDED
    assert LexActivator.IsLicenseGenuine() == LexStatusCodes.LA_SUSPENDED


def test_local_trial(server, product):
    assert LexActivator.ActivateLocalTrial(14) == LexStatusCodes.LA_OK
    assert LexActivator.IsLocalTrialGenuine() == LexStatusCodes.LA_OK
    day = 86500  # the vendor's local-trial "day" (see src/core/local_trial.rs)
    expiry = LexActivator.GetLocalTrialExpiryDate()
    assert abs(expiry - (time.time() + 14 * day)) < 120
    assert LexActivator.ActivateLocalTrial(30) == LexStatusCodes.LA_OK, "an active trial is unchanged"
    assert LexActivator.GetLocalTrialExpiryDate() == expiry
    assert LexActivator.ExtendLocalTrial(2) == LexStatusCodes.LA_OK
    assert LexActivator.GetLocalTrialExpiryDate() >= time.time() + 2 * day - 120
    assert LexActivator.IsLocalTrialGenuine() == LexStatusCodes.LA_OK


def test_feature_entitlements(server, product):
    status, eset = server.admin("POST", "/v3/entitlement-sets", {
        "name": server.unique("pro"), "displayName": "Pro", "tier": 2, "productId": product.id,
        "features": [{"featureName": "export", "featureDisplayName": "Export", "value": "true"},
                     {"featureName": "seats", "featureDisplayName": "Seats", "value": "5"}]})
    assert status < 300, eset
    _, key = product.license(entitlementSetId=eset["id"],
                             featureEntitlements=[{"featureName": "seats", "value": "10"}])
    assert activate(key) == LexStatusCodes.LA_OK
    features = LexActivator.GetFeatureEntitlements()
    assert all(isinstance(f, FeatureEntitlement) for f in features)
    by_name = {f.feature_name: f for f in features}
    assert set(by_name) == {"export", "seats"}
    assert by_name["export"].value == "true"
    assert by_name["export"].feature_display_name == "Export"
    assert by_name["seats"].value == "10"
    assert by_name["seats"].base_value == "5"
    one = LexActivator.GetFeatureEntitlement("seats")
    assert (one.feature_name, one.value) == ("seats", "10")
    with pytest.raises(LexActivatorException) as info:
        LexActivator.GetFeatureEntitlement("nope")
    assert info.value.code == LexStatusCodes.LA_E_FEATURE_ENTITLEMENT_NOT_FOUND
    assert LexActivator.GetLicenseEntitlementSetName() == eset["name"]
    assert LexActivator.GetLicenseEntitlementSetDisplayName() == "Pro"
    assert LexActivator.GetLicenseEntitlementSetTier() == 2


def test_buffer_retry(server, product, monkeypatch):
    big = "x" * 4096  # needs 4097 bytes with the NUL: the vendor wrapper's 4096 buffer is too small
    _, key = product.license(metadata=[{"key": "big", "value": big}])
    assert activate(key) == LexStatusCodes.LA_OK

    # A tiny initial buffer grows 1 -> 4 -> 16 -> 64 until the key fits.
    calls = []
    real_call = lexactivator.native.call

    def counting(name, *args):
        status = real_call(name, *args)
        calls.append((name, args[-1], status))
        return status

    monkeypatch.setattr(lexactivator.native, "call", counting)
    assert lexactivator._get_string("GetLicenseKey", 1) == key
    sizes = [c[1] for c in calls]
    assert sizes[:2] == [1, 4]
    assert [c[2] for c in calls[:-1]] == [LexStatusCodes.LA_E_BUFFER_SIZE] * (len(calls) - 1)
    assert calls[-1][2] == LexStatusCodes.LA_OK

    calls.clear()
    assert LexActivator.GetLicenseMetadata("big") == big
    assert [c[1] for c in calls] == [4096, 16384]


def test_bad_key_raises_54(server, product):
    LexActivator.SetLicenseKey("NOT-A-REAL-KEY-0000")
    with pytest.raises(LexActivatorException) as info:
        LexActivator.ActivateLicense()
    assert info.value.code == LexStatusCodes.LA_E_LICENSE_KEY
    assert info.value.message == "Invalid license key."


def test_activation_limit_raises_58(server, product, tmp_path):
    _, key = product.license(allowedActivations=1, fingerprintMatchingStrategy="exact")
    LexActivator.SetCustomDeviceFingerprint("A" * 64)
    assert activate(key) == LexStatusCodes.LA_OK
    # A second device, with its own (empty) data directory.
    setup_library(server, (product.id, product.data), tmp_path)
    LexActivator.SetCustomDeviceFingerprint("B" * 64)
    with pytest.raises(LexActivatorException) as info:
        activate(key)
    assert info.value.code == LexStatusCodes.LA_E_ACTIVATION_LIMIT
    assert LexActivator.GetLastActivationError() == LexStatusCodes.LA_E_ACTIVATION_LIMIT


def test_unactivated_getters(server, product):
    # Integer getters map LA_FAIL to 0, as the vendor wrapper does; string getters raise.
    assert LexActivator.GetLicenseExpiryDate() == 0
    assert LexActivator.GetLicenseAllowedActivations() == 0
    with pytest.raises(LexActivatorException):
        LexActivator.GetActivationId()


def test_lookup_license(server, product):
    _, key = product.license()
    info = LexActivator.LookupLicense(key)
    assert (info.key, info.type) == (key, "node-locked")


def test_untrusted_server_certificate_is_la_e_inet_and_logged(server, product, tmp_path):
    """README, "The server's certificate": without the development CA the call fails as a network
    error (48) and the debug log names the certificate problem; with SSL_CERT_FILE it works."""
    import os
    import subprocess
    import sys
    from conftest import PKG_ROOT
    _, key = product.license()
    code = (
        "import sys\n"
        "from openlex import LexActivator, LexActivatorException, PermissionFlags\n"
        "pid, pdata, host, key, data_dir = sys.argv[1:6]\n"
        "LexActivator.SetDataDirectory(data_dir)\n"
        "LexActivator.SetProductData(pdata)\n"
        "LexActivator.SetProductId(pid, PermissionFlags.LA_USER)\n"
        "LexActivator.SetCryptlexHost(host)\n"
        "LexActivator.SetDebugMode(1)\n"
        "LexActivator.SetLicenseKey(key)\n"
        "try:\n"
        "    print(LexActivator.ActivateLicense())\n"
        "except LexActivatorException as e:\n"
        "    print(e.code)\n")

    def attempt(name, trust_ca):
        data_dir = tmp_path / name
        data_dir.mkdir()
        log = tmp_path / (name + ".log")
        env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
        env.update(PYTHONPATH=PKG_ROOT, OPENLEX_LOG_FILE=str(log))
        if trust_ca:
            env["SSL_CERT_FILE"] = os.path.join(server.dir, "ca.pem")
        out = subprocess.run([sys.executable, "-c", code, product.id, product.data, server.url, key,
                              str(data_dir)], env=env, capture_output=True, text=True, timeout=120, check=True)
        return int(out.stdout.strip()), (log.read_text() if log.exists() else "")

    status, log = attempt("untrusted", trust_ca=False)
    assert status == LexStatusCodes.LA_E_INET, status
    assert "invalid peer certificate: UnknownIssuer" in log, log
    status, _ = attempt("trusted", trust_ca=True)
    assert status == LexStatusCodes.LA_OK, status
