'use strict';
// The vendor's Node API (@cryptlex/lexactivator): class LexActivator with static methods that
// throw LexActivatorException on error statuses, over the OpenLex library.

const native = require('./native');
const { LexStatusCodes } = require('./lexstatus-codes');
const { LexActivatorException } = require('./lexactivator-exception');

const { fn, koffi } = native;
const S = LexStatusCodes;

/** Permission flags for SetProductId. */
const PermissionFlags = Object.freeze({ LA_USER: 1, LA_SYSTEM: 2, LA_ALL_USERS: 3, LA_IN_MEMORY: 4 });
/** Release flags for CheckReleaseUpdate. */
const ReleaseFlags = Object.freeze({ LA_RELEASES_ALL: 1, LA_RELEASES_ALLOWED: 2 });

/** Allowed, total and gross uses of a license meter attribute. */
class LicenseMeterAttribute {
  constructor(name, allowedUses, totalUses, grossUses) {
    this.name = name;
    this.allowedUses = allowedUses;
    this.totalUses = totalUses;
    this.grossUses = grossUses;
  }
}

/** A product version feature flag. */
class ProductVersionFeatureFlag {
  constructor(name, enabled, data) {
    this.name = name;
    this.enabled = enabled;
    this.data = data;
  }
}

/** The organization address of a license. */
class OrganizationAddress {
  constructor(addressLine1 = '', addressLine2 = '', city = '', state = '', country = '', postalCode = '') {
    Object.assign(this, { addressLine1, addressLine2, city, state, country, postalCode });
  }
}

/** The initial and current mode ('online' or 'offline') of an activation. */
class ActivationMode {
  constructor(initialMode, currentMode) {
    this.initialMode = initialMode;
    this.currentMode = currentMode;
  }
}

// The one error map: a status outside `ok` becomes a LexActivatorException.
function check(status, ok = [S.LA_OK]) {
  if (!ok.includes(status)) throw new LexActivatorException(status);
  return status;
}

// A native function by name; one the loaded library lacks fails like the vendor's would.
function call(name, ...args) {
  const f = fn[name];
  if (!f) throw new LexActivatorException(S.LA_FAIL);
  return f(...args);
}

function set(name, ...args) {
  check(call(name, ...args));
}

// A string getter: grows the buffer while the library answers LA_E_BUFFER_SIZE (bounded).
function getString(name, args = [], chars = 1024) {
  for (let tries = 0; ; tries++) {
    const buf = native.stringBuffer(chars);
    const status = call(name, ...args, buf, chars);
    if (status === S.LA_E_BUFFER_SIZE && tries < 6) {
      chars *= 4;
      continue;
    }
    check(status);
    return native.bufferToString(buf);
  }
}

// A numeric getter; LA_FAIL (not activated / no such date) reads as 0, as the vendor's does.
function getNumber(name, Array = Uint32Array, failIsZero = true) {
  const out = new Array(1);
  const status = call(name, out);
  if (failIsZero && status === S.LA_FAIL) return Array === Uint32Array ? 0 : 0n;
  check(status);
  return out[0];
}

function parseJson(text, fallback) {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

// A callback that throws must not reach the library (koffi would hand it 0 and lose the error).
function report(err) {
  process.emitWarning(`LexActivator callback threw: ${err && err.stack ? err.stack : err}`);
}

// The registered license callback; kept until replaced so the library never holds a freed slot.
let licenseCallback = null;

/** The vendor's LexActivator class: every method is static. */
class LexActivator {
  static SetProductFile(filePath) { set('SetProductFile', filePath); }
  static SetProductData(productData) { set('SetProductData', productData); }
  static SetProductId(productId, flag) { set('SetProductId', productId, flag); }
  static SetDataDirectory(directoryPath) { set('SetDataDirectory', directoryPath); }
  static SetDebugMode(flag) { set('SetDebugMode', flag); }
  static SetCacheMode(enable) { set('SetCacheMode', enable ? 1 : 0); }
  static SetCustomDeviceFingerprint(fingerprint) { set('SetCustomDeviceFingerprint', fingerprint); }
  static SetLicenseKey(licenseKey) { set('SetLicenseKey', licenseKey); }
  static SetLicenseUserCredential(email, password) { set('SetLicenseUserCredential', email, password); }

  /**
   * Sets the function called with a status after each background server sync. The library calls
   * it on its own sync thread; koffi relays the call to the JavaScript main thread, where the
   * function runs (so getters such as GetLicenseKey work inside it). The library thread waits
   * until the event loop has run it.
   * @param {(status: number) => void} callback
   */
  static SetLicenseCallback(callback) {
    if (typeof callback !== 'function') throw new TypeError('SetLicenseCallback: callback must be a function');
    const registered = koffi.register((status) => {
      try {
        callback(status);
      } catch (err) {
        report(err);
      }
    }, koffi.pointer(native.LicenseCallback));
    const status = call('SetLicenseCallback', registered);
    if (status !== S.LA_OK) {
      koffi.unregister(registered);
      throw new LexActivatorException(status);
    }
    if (licenseCallback) koffi.unregister(licenseCallback);
    licenseCallback = registered;
  }

  static SetActivationLeaseDuration(leaseDuration) { set('SetActivationLeaseDuration', leaseDuration); }
  static SetActivationMetadata(key, value) { set('SetActivationMetadata', key, value); }
  static SetTrialActivationMetadata(key, value) { set('SetTrialActivationMetadata', key, value); }
  static SetAppVersion(appVersion) { set('SetAppVersion', appVersion); }
  static SetReleaseVersion(releaseVersion) { set('SetReleaseVersion', releaseVersion); }
  static SetReleasePublishedDate(date) { set('SetReleasePublishedDate', date); }
  static SetReleasePlatform(releasePlatform) { set('SetReleasePlatform', releasePlatform); }
  static SetReleaseChannel(releaseChannel) { set('SetReleaseChannel', releaseChannel); }
  static SetOfflineActivationRequestMeterAttributeUses(name, uses) {
    set('SetOfflineActivationRequestMeterAttributeUses', name, uses);
  }
  static SetNetworkProxy(proxy) { set('SetNetworkProxy', proxy); }
  static SetCryptlexHost(host) { set('SetCryptlexHost', host); }
  static SetTwoFactorAuthenticationCode(code) { set('SetTwoFactorAuthenticationCode', code); }
  static SetTlsPeerVerification(enable) { set('SetTlsPeerVerification', enable ? 1 : 0); }
  static MigrateToSystemWideActivation(oldPermissionFlag) { set('MigrateToSystemWideActivation', oldPermissionFlag); }

  static GetProductMetadata(key) { return getString('GetProductMetadata', [key], 4096); }
  static GetProductVersionName() { return getString('GetProductVersionName'); }
  static GetProductVersionDisplayName() { return getString('GetProductVersionDisplayName'); }
  static GetProductVersionFeatureFlag(name) {
    const enabled = new Uint32Array(1);
    const data = getString('GetProductVersionFeatureFlag', [name, enabled]);
    return new ProductVersionFeatureFlag(name, enabled[0] > 0, data);
  }
  static GetLicenseEntitlementSetName() { return getString('GetLicenseEntitlementSetName'); }
  static GetLicenseEntitlementSetDisplayName() { return getString('GetLicenseEntitlementSetDisplayName'); }
  static GetLicenseEntitlementSetTier() { return getNumber('GetLicenseEntitlementSetTier', BigInt64Array, false); }
  /** Every feature entitlement of the license (objects as the server sends them). */
  static GetFeatureEntitlements() { return parseJson(getString('GetFeatureEntitlementsInternal', [], 4096), []); }
  /** One feature entitlement by name. */
  static GetFeatureEntitlement(featureName) {
    return parseJson(getString('GetFeatureEntitlementInternal', [featureName], 4096), null);
  }
  static GetLicenseMetadata(key) { return getString('GetLicenseMetadata', [key], 4096); }
  static GetLicenseMeterAttribute(name) {
    const allowed = new BigInt64Array(1);
    const total = new BigUint64Array(1);
    const gross = new BigUint64Array(1);
    check(call('GetLicenseMeterAttribute', name, allowed, total, gross));
    return new LicenseMeterAttribute(name, allowed[0], total[0], gross[0]);
  }
  static GetLicenseKey() { return getString('GetLicenseKey'); }
  static GetLicenseAllowedActivations() { return getNumber('GetLicenseAllowedActivations', BigInt64Array); }
  static GetLicenseTotalActivations() { return getNumber('GetLicenseTotalActivations'); }
  static GetLicenseAllowedDeactivations() { return getNumber('GetLicenseAllowedDeactivations', BigInt64Array); }
  static GetLicenseTotalDeactivations() { return getNumber('GetLicenseTotalDeactivations'); }
  static GetLicenseCreationDate() { return getNumber('GetLicenseCreationDate'); }
  static GetLicenseActivationDate() { return getNumber('GetLicenseActivationDate'); }
  static GetActivationCreationDate() { return getNumber('GetActivationCreationDate'); }
  static GetActivationLastSyncedDate() { return getNumber('GetActivationLastSyncedDate'); }
  static GetLicenseExpiryDate() { return getNumber('GetLicenseExpiryDate'); }
  static GetLicenseMaintenanceExpiryDate() { return getNumber('GetLicenseMaintenanceExpiryDate'); }
  static GetLicenseMaxAllowedReleaseVersion() { return getString('GetLicenseMaxAllowedReleaseVersion'); }
  static GetLicenseUserEmail() { return getString('GetLicenseUserEmail'); }
  static GetLicenseUserName() { return getString('GetLicenseUserName'); }
  static GetLicenseUserCompany() { return getString('GetLicenseUserCompany'); }
  static GetLicenseUserMetadata(key) { return getString('GetLicenseUserMetadata', [key], 4096); }
  static GetLicenseOrganizationName() { return getString('GetLicenseOrganizationName'); }
  /** The organization address, or null when the license has none. */
  static GetLicenseOrganizationAddress() {
    const a = parseJson(getString('GetLicenseOrganizationAddressInternal'), {});
    if (!a || Object.keys(a).length === 0) return null;
    return new OrganizationAddress(a.addressLine1, a.addressLine2, a.city, a.state, a.country, a.postalCode);
  }
  static GetUserLicenses() { return parseJson(getString('GetUserLicensesInternal', [], 4096), []); }
  static GetLicenseType() { return getString('GetLicenseType'); }
  static GetLicenseLeaseDuration() { return getNumber('GetLicenseLeaseDuration', BigInt64Array); }
  static GetLicenseLeasingStrategy() { return getString('GetLicenseLeasingStrategy'); }
  static GetActivationId() { return getString('GetActivationId'); }
  static GetActivationMetadata(key) { return getString('GetActivationMetadata', [key], 4096); }
  static GetActivationMode() {
    const initial = native.stringBuffer(256);
    const current = native.stringBuffer(256);
    check(call('GetActivationMode', initial, 256, current, 256));
    return new ActivationMode(native.bufferToString(initial), native.bufferToString(current));
  }
  static GetActivationMeterAttributeUses(name) {
    const uses = new Uint32Array(1);
    check(call('GetActivationMeterAttributeUses', name, uses));
    return uses[0];
  }
  static GetServerSyncGracePeriodExpiryDate() { return getNumber('GetServerSyncGracePeriodExpiryDate'); }
  static GetLastActivationError() { return getNumber('GetLastActivationError', Uint32Array, false); }
  static GetTrialActivationMetadata(key) { return getString('GetTrialActivationMetadata', [key], 4096); }
  static GetTrialExpiryDate() { return getNumber('GetTrialExpiryDate'); }
  static GetTrialId() { return getString('GetTrialId'); }
  static GetLocalTrialExpiryDate() { return getNumber('GetLocalTrialExpiryDate'); }
  static GetLibraryVersion() { return getString('GetLibraryVersion'); }
  static GetProductId() { return getString('GetProductId'); }
  static GetAccountId() { return getString('GetAccountId'); }

  /**
   * Checks for a newer release; `callback(status, release, userData)` runs later on the main
   * thread (the library calls it from its own thread), with `release` the parsed release or null.
   */
  static CheckReleaseUpdate(callback, flag, userData) {
    if (typeof callback !== 'function') throw new TypeError('CheckReleaseUpdate: callback must be a function');
    let registered = null;
    // koffi's relay from the library thread does not keep the event loop alive: this does, until
    // the callback has run.
    const keepAlive = setInterval(() => {}, 1 << 30);
    const release = () => {
      clearInterval(keepAlive);
      if (registered) koffi.unregister(registered);
      registered = null;
    };
    registered = koffi.register((status, releaseJson) => {
      // The slot is freed once the call has returned to the library, never inside it.
      setImmediate(release);
      try {
        callback(status, releaseJson ? parseJson(releaseJson, null) : null, userData);
      } catch (err) {
        report(err);
      }
    }, koffi.pointer(native.ReleaseCallback));
    const status = call('CheckReleaseUpdateInternal', registered, flag, null);
    if (status !== S.LA_OK) {
      release();
      throw new LexActivatorException(status);
    }
  }

  /** Deprecated form: platform, version and channel given here; the callback gets the status. */
  static CheckForReleaseUpdate(platform, version, channel, callback) {
    if (typeof callback !== 'function') throw new TypeError('CheckForReleaseUpdate: callback must be a function');
    let registered = null;
    const keepAlive = setInterval(() => {}, 1 << 30);
    const release = () => {
      clearInterval(keepAlive);
      if (registered) koffi.unregister(registered);
      registered = null;
    };
    registered = koffi.register((status) => {
      setImmediate(release);
      try {
        callback(status);
      } catch (err) {
        report(err);
      }
    }, koffi.pointer(native.LicenseCallback));
    const status = call('CheckForReleaseUpdate', platform, version, channel, registered);
    if (status !== S.LA_OK) {
      release();
      throw new LexActivatorException(status);
    }
  }

  static AuthenticateUser(email, password) { return check(call('AuthenticateUser', email, password)); }
  static AuthenticateUserWithIdToken(idToken) { return check(call('AuthenticateUserWithIdToken', idToken)); }

  static ActivateLicense() { return check(call('ActivateLicense'), [S.LA_OK, S.LA_EXPIRED, S.LA_SUSPENDED, S.LA_FAIL]); }
  static ActivateLicenseOffline(filePath) {
    return check(call('ActivateLicenseOffline', filePath), [S.LA_OK, S.LA_EXPIRED, S.LA_SUSPENDED, S.LA_FAIL]);
  }
  static GenerateOfflineActivationRequest(filePath) { set('GenerateOfflineActivationRequest', filePath); }
  static DeactivateLicense() { return check(call('DeactivateLicense'), [S.LA_OK, S.LA_FAIL]); }
  static GenerateOfflineDeactivationRequest(filePath) {
    return check(call('GenerateOfflineDeactivationRequest', filePath), [S.LA_OK, S.LA_FAIL]);
  }
  static IsLicenseGenuine() {
    return check(call('IsLicenseGenuine'), [S.LA_OK, S.LA_EXPIRED, S.LA_SUSPENDED, S.LA_GRACE_PERIOD_OVER, S.LA_FAIL]);
  }
  static IsLicenseValid() {
    return check(call('IsLicenseValid'), [S.LA_OK, S.LA_EXPIRED, S.LA_SUSPENDED, S.LA_GRACE_PERIOD_OVER, S.LA_FAIL]);
  }
  static SyncLicenseActivation() {
    return check(call('SyncLicenseActivation'), [S.LA_OK, S.LA_EXPIRED, S.LA_SUSPENDED, S.LA_FAIL]);
  }
  static ActivateTrial() { return check(call('ActivateTrial'), [S.LA_OK, S.LA_TRIAL_EXPIRED, S.LA_FAIL]); }
  static SyncTrialActivation() { return check(call('SyncTrialActivation'), [S.LA_OK, S.LA_TRIAL_EXPIRED, S.LA_FAIL]); }
  static ActivateTrialOffline(filePath) {
    return check(call('ActivateTrialOffline', filePath), [S.LA_OK, S.LA_TRIAL_EXPIRED, S.LA_FAIL]);
  }
  static GenerateOfflineTrialActivationRequest(filePath) { set('GenerateOfflineTrialActivationRequest', filePath); }
  static IsTrialGenuine() { return check(call('IsTrialGenuine'), [S.LA_OK, S.LA_TRIAL_EXPIRED, S.LA_FAIL]); }
  static ActivateLocalTrial(trialLength) {
    return check(call('ActivateLocalTrial', trialLength), [S.LA_OK, S.LA_LOCAL_TRIAL_EXPIRED, S.LA_FAIL]);
  }
  static IsLocalTrialGenuine() {
    return check(call('IsLocalTrialGenuine'), [S.LA_OK, S.LA_LOCAL_TRIAL_EXPIRED, S.LA_FAIL]);
  }
  static ExtendLocalTrial(length) { return check(call('ExtendLocalTrial', length), [S.LA_OK, S.LA_FAIL]); }
  static IncrementActivationMeterAttributeUses(name, increment) {
    set('IncrementActivationMeterAttributeUses', name, increment);
  }
  static DecrementActivationMeterAttributeUses(name, decrement) {
    set('DecrementActivationMeterAttributeUses', name, decrement);
  }
  static ResetActivationMeterAttributeUses(name) { set('ResetActivationMeterAttributeUses', name); }
  static Reset() { set('Reset'); }
}

module.exports = {
  LexActivator, LicenseMeterAttribute, ProductVersionFeatureFlag, OrganizationAddress, ActivationMode,
  LexStatusCodes, LexActivatorException, PermissionFlags, ReleaseFlags,
};
