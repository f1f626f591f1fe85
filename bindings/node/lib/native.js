'use strict';
// Loads the LexActivator library with koffi (a prebuilt FFI package: no compiler on the user's
// machine) and declares the C functions the wrapper calls.

const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');

/** Environment variable naming the full path of the library (OpenLex). */
const ENV_LIBRARY = 'OPENLEX_LIBRARY';
/** The variable the vendor's wrappers use: a full path, or a directory holding the library. */
const ENV_LIBRARY_PATH = 'LEXACTIVATOR_LIBRARY_PATH';

/** The library's file name on this platform. */
function libraryFileName(platform = process.platform) {
  if (platform === 'win32') return 'LexActivator.dll';
  if (platform === 'darwin') return 'libLexActivator.dylib';
  return 'libLexActivator.so';
}

/**
 * The places the library is looked for, in order:
 *  1. $OPENLEX_LIBRARY (a full path);
 *  2. $LEXACTIVATOR_LIBRARY_PATH (a full path, or a directory holding the library);
 *  3. the copy bundled in this package: prebuilds/<platform>-<arch>/<file>;
 *  4. the bare file name, through the system loader's search path.
 * Steps 1 and 2 are exclusive: a set variable that names no loadable file is an error, not a
 * reason to load something else.
 */
function candidates(env = process.env) {
  const name = libraryFileName();
  if (env[ENV_LIBRARY]) return [env[ENV_LIBRARY]];
  const p = env[ENV_LIBRARY_PATH];
  if (p) {
    try {
      if (fs.statSync(p).isDirectory()) return [path.join(p, name)];
    } catch { /* not a directory: taken as a file path below */ }
    return [p];
  }
  const bundled = path.join(__dirname, '..', 'prebuilds', `${process.platform}-${process.arch}`, name);
  return fs.existsSync(bundled) ? [bundled, name] : [name];
}

function open() {
  const errors = [];
  for (const file of candidates()) {
    try {
      return { lib: koffi.load(file), file };
    } catch (err) {
      errors.push(`${file}: ${err.message}`);
    }
  }
  throw new Error(`lexactivator: cannot load the LexActivator library (set ${ENV_LIBRARY} to its full path):\n  ` +
    errors.join('\n  '));
}

const { lib, file: libraryPath } = open();

// Strings cross the ABI as UTF-8 on Linux and macOS, UTF-16 on Windows (wchar_t).
const WIDE = process.platform === 'win32';
const CSTR = WIDE ? 'const char16_t *' : 'const char *';
const CHAR_BYTES = WIDE ? 2 : 1;

const LicenseCallback = koffi.proto('void LexLicenseCallback(uint32_t status)');
const ReleaseCallback = koffi.proto(`void LexReleaseCallback(int status, ${CSTR} releaseJson, void *userData)`);

// C prototypes, with S for an input string; output buffers and integers are `void *`.
const PROTOTYPES = [
  'SetProductFile(S)', 'SetProductData(S)', 'SetProductId(S, uint32_t)', 'SetDataDirectory(S)',
  'SetDebugMode(uint32_t)', 'SetCacheMode(uint32_t)', 'SetCustomDeviceFingerprint(S)',
  'SetLicenseKey(S)', 'SetLicenseUserCredential(S, S)', 'SetLicenseCallback(LexLicenseCallback *)',
  'SetActivationLeaseDuration(int64_t)', 'SetActivationMetadata(S, S)', 'SetTrialActivationMetadata(S, S)',
  'SetAppVersion(S)', 'SetReleaseVersion(S)', 'SetReleasePublishedDate(uint32_t)', 'SetReleasePlatform(S)',
  'SetReleaseChannel(S)', 'SetOfflineActivationRequestMeterAttributeUses(S, uint32_t)', 'SetNetworkProxy(S)',
  'SetCryptlexHost(S)', 'SetTwoFactorAuthenticationCode(S)', 'SetTlsPeerVerification(uint32_t)',
  'MigrateToSystemWideActivation(uint32_t)',
  'GetProductMetadata(S, void *, uint32_t)', 'GetProductVersionName(void *, uint32_t)',
  'GetProductVersionDisplayName(void *, uint32_t)', 'GetProductVersionFeatureFlag(S, void *, void *, uint32_t)',
  'GetLicenseEntitlementSetName(void *, uint32_t)', 'GetLicenseEntitlementSetDisplayName(void *, uint32_t)',
  'GetLicenseEntitlementSetTier(void *)', 'GetFeatureEntitlementsInternal(void *, uint32_t)',
  'GetFeatureEntitlementInternal(S, void *, uint32_t)',
  'GetLicenseMetadata(S, void *, uint32_t)', 'GetLicenseMeterAttribute(S, void *, void *, void *)',
  'GetLicenseKey(void *, uint32_t)', 'GetLicenseAllowedActivations(void *)', 'GetLicenseTotalActivations(void *)',
  'GetLicenseAllowedDeactivations(void *)', 'GetLicenseTotalDeactivations(void *)',
  'GetLicenseCreationDate(void *)', 'GetLicenseActivationDate(void *)', 'GetActivationCreationDate(void *)',
  'GetActivationLastSyncedDate(void *)', 'GetLicenseExpiryDate(void *)', 'GetLicenseMaintenanceExpiryDate(void *)',
  'GetLicenseMaxAllowedReleaseVersion(void *, uint32_t)', 'GetLicenseUserEmail(void *, uint32_t)',
  'GetLicenseUserName(void *, uint32_t)', 'GetLicenseUserCompany(void *, uint32_t)',
  'GetLicenseUserMetadata(S, void *, uint32_t)', 'GetLicenseOrganizationName(void *, uint32_t)',
  'GetLicenseOrganizationAddressInternal(void *, uint32_t)', 'GetUserLicensesInternal(void *, uint32_t)',
  'GetLicenseType(void *, uint32_t)', 'GetLicenseLeaseDuration(void *)', 'GetLicenseLeasingStrategy(void *, uint32_t)',
  'GetActivationId(void *, uint32_t)', 'GetActivationMetadata(S, void *, uint32_t)',
  'GetActivationMode(void *, uint32_t, void *, uint32_t)', 'GetActivationMeterAttributeUses(S, void *)',
  'GetServerSyncGracePeriodExpiryDate(void *)', 'GetLastActivationError(void *)',
  'GetTrialActivationMetadata(S, void *, uint32_t)', 'GetTrialExpiryDate(void *)', 'GetTrialId(void *, uint32_t)',
  'GetLocalTrialExpiryDate(void *)', 'GetLibraryVersion(void *, uint32_t)', 'GetProductId(void *, uint32_t)',
  'GetAccountId(void *, uint32_t)',
  'CheckReleaseUpdateInternal(LexReleaseCallback *, uint32_t, void *)',
  'CheckForReleaseUpdate(S, S, S, LexLicenseCallback *)',
  'AuthenticateUser(S, S)', 'AuthenticateUserWithIdToken(S)',
  'ActivateLicense()', 'ActivateLicenseOffline(S)', 'GenerateOfflineActivationRequest(S)', 'DeactivateLicense()',
  'GenerateOfflineDeactivationRequest(S)', 'IsLicenseGenuine()', 'IsLicenseValid()', 'SyncLicenseActivation()',
  'ActivateTrial()', 'SyncTrialActivation()', 'ActivateTrialOffline(S)', 'GenerateOfflineTrialActivationRequest(S)',
  'IsTrialGenuine()', 'ActivateLocalTrial(uint32_t)', 'IsLocalTrialGenuine()', 'ExtendLocalTrial(uint32_t)',
  'IncrementActivationMeterAttributeUses(S, uint32_t)', 'DecrementActivationMeterAttributeUses(S, uint32_t)',
  'ResetActivationMeterAttributeUses(S)', 'Reset()',
];

/** The bound C functions by name; a name the library does not export is absent. */
const fn = {};
/** Exported names this package binds that the loaded library lacks (e.g. an older vendor library). */
const missing = [];
for (const proto of PROTOTYPES) {
  const name = proto.slice(0, proto.indexOf('('));
  const params = proto.slice(proto.indexOf('(') + 1, -1).replace(/\bS\b/g, CSTR);
  try {
    fn[name] = lib.func(`int ${name}(${params})`);
  } catch {
    missing.push(name);
  }
}

/** A zeroed buffer for `chars` characters of output. */
function stringBuffer(chars) {
  return Buffer.alloc(chars * CHAR_BYTES);
}

/** The NUL-terminated string in an output buffer. */
function bufferToString(buf) {
  const text = buf.toString(WIDE ? 'utf16le' : 'utf8');
  const end = text.indexOf('\0');
  return end < 0 ? text : text.slice(0, end);
}

module.exports = {
  koffi, fn, missing, libraryPath, candidates, libraryFileName, stringBuffer, bufferToString,
  LicenseCallback, ReleaseCallback, ENV_LIBRARY, ENV_LIBRARY_PATH,
};
