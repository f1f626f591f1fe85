'use strict';

const { LexStatusCodes } = require('./lexstatus-codes');

// The messages of the vendor's wrappers, word for word: apps may show or match on them.
const MESSAGES = new Map([
  [LexStatusCodes.LA_E_FILE_PATH, 'Invalid file path.'],
  [LexStatusCodes.LA_E_PRODUCT_FILE, 'Invalid or corrupted product file.'],
  [LexStatusCodes.LA_E_PRODUCT_DATA, 'Invalid product data.'],
  [LexStatusCodes.LA_E_PRODUCT_ID, 'The product id is incorrect.'],
  [LexStatusCodes.LA_E_SYSTEM_PERMISSION, 'Insufficient system permissions.'],
  [LexStatusCodes.LA_E_FILE_PERMISSION, 'No permission to write to file.'],
  [LexStatusCodes.LA_E_WMIC, 'Fingerprint couldn\'t be generated because Windows Management Instrumentation (WMI) service has been disabled.'],
  [LexStatusCodes.LA_E_TIME, 'The difference between the network time and the system time is more than allowed clock offset.'],
  [LexStatusCodes.LA_E_INET, 'Failed to connect to the server due to network error.'],
  [LexStatusCodes.LA_E_NET_PROXY, 'Invalid network proxy.'],
  [LexStatusCodes.LA_E_HOST_URL, 'Invalid Cryptlex host url.'],
  [LexStatusCodes.LA_E_BUFFER_SIZE, 'The buffer size was smaller than required.'],
  [LexStatusCodes.LA_E_APP_VERSION_LENGTH, 'App version length is more than 256 characters.'],
  [LexStatusCodes.LA_E_REVOKED, 'The license has been revoked.'],
  [LexStatusCodes.LA_E_LICENSE_KEY, 'Invalid license key.'],
  [LexStatusCodes.LA_E_LICENSE_TYPE, 'Invalid license type. Make sure floating license is not being used.'],
  [LexStatusCodes.LA_E_OFFLINE_RESPONSE_FILE, 'Invalid offline activation response file.'],
  [LexStatusCodes.LA_E_OFFLINE_RESPONSE_FILE_EXPIRED, 'The offline activation response has expired.'],
  [LexStatusCodes.LA_E_ACTIVATION_LIMIT, 'The license has reached it\'s allowed activations limit.'],
  [LexStatusCodes.LA_E_ACTIVATION_NOT_FOUND, 'The license activation was deleted on the server.'],
  [LexStatusCodes.LA_E_DEACTIVATION_LIMIT, 'The license has reached it\'s allowed deactivations limit.'],
  [LexStatusCodes.LA_E_TRIAL_NOT_ALLOWED, 'Trial not allowed for the product.'],
  [LexStatusCodes.LA_E_TRIAL_ACTIVATION_LIMIT, 'Your account has reached it\'s trial activations limit.'],
  [LexStatusCodes.LA_E_MACHINE_FINGERPRINT, 'Machine fingerprint has changed since activation.'],
  [LexStatusCodes.LA_E_METADATA_KEY_LENGTH, 'Metadata key length is more than 256 characters.'],
  [LexStatusCodes.LA_E_METADATA_VALUE_LENGTH, 'Metadata value length is more than 4096 characters.'],
  [LexStatusCodes.LA_E_ACTIVATION_METADATA_LIMIT, 'The license has reached it\'s metadata fields limit.'],
  [LexStatusCodes.LA_E_TRIAL_ACTIVATION_METADATA_LIMIT, 'The trial has reached it\'s metadata fields limit.'],
  [LexStatusCodes.LA_E_METADATA_KEY_NOT_FOUND, 'The metadata key does not exist.'],
  [LexStatusCodes.LA_E_TIME_MODIFIED, 'The system time has been tampered (backdated).'],
  [LexStatusCodes.LA_E_RELEASE_VERSION_FORMAT, 'Invalid version format.'],
  [LexStatusCodes.LA_E_AUTHENTICATION_FAILED, 'Incorrect email or password.'],
  [LexStatusCodes.LA_E_METER_ATTRIBUTE_NOT_FOUND, 'The meter attribute does not exist.'],
  [LexStatusCodes.LA_E_METER_ATTRIBUTE_USES_LIMIT_REACHED, 'The meter attribute has reached it\'s usage limit.'],
  [LexStatusCodes.LA_E_CUSTOM_FINGERPRINT_LENGTH, 'Custom device fingerprint length is less than 64 characters or more than 256 characters.'],
  [LexStatusCodes.LA_E_PRODUCT_VERSION_NOT_LINKED, 'No product version is linked with the license.'],
  [LexStatusCodes.LA_E_FEATURE_FLAG_NOT_FOUND, 'The product version feature flag does not exist.'],
  [LexStatusCodes.LA_E_RELEASE_VERSION_NOT_ALLOWED, 'The release version is not allowed.'],
  [LexStatusCodes.LA_E_RELEASE_PLATFORM_LENGTH, 'Release platform length is more than 256 characters.'],
  [LexStatusCodes.LA_E_RELEASE_CHANNEL_LENGTH, 'Release channel length is more than 256 characters.'],
  [LexStatusCodes.LA_E_VM, 'Application is being run inside a virtual machine / hypervisor, and activation has been disallowed in the VM.'],
  [LexStatusCodes.LA_E_COUNTRY, 'Country is not allowed.'],
  [LexStatusCodes.LA_E_IP, 'IP address is not allowed.'],
  [LexStatusCodes.LA_E_CONTAINER, 'Application is being run inside a container and activation has been disallowed in the container.'],
  [LexStatusCodes.LA_E_RELEASE_VERSION, 'Invalid release version. Make sure the release version uses the following formats: x.x, x.x.x, x.x.x.x (where x is a number).'],
  [LexStatusCodes.LA_E_RELEASE_PLATFORM, 'Release platform not set.'],
  [LexStatusCodes.LA_E_RELEASE_CHANNEL, 'Release channel not set.'],
  [LexStatusCodes.LA_E_USER_NOT_AUTHENTICATED, 'The user is not authenticated.'],
  [LexStatusCodes.LA_E_TWO_FACTOR_AUTHENTICATION_CODE_MISSING, 'The two-factor authentication code for the user authentication is missing.'],
  [LexStatusCodes.LA_E_TWO_FACTOR_AUTHENTICATION_CODE_INVALID, 'The two-factor authentication code provided by the user is invalid.'],
  [LexStatusCodes.LA_E_RATE_LIMIT, 'Rate limit for API has reached, try again later.'],
  [LexStatusCodes.LA_E_SERVER, 'Server error.'],
  [LexStatusCodes.LA_E_CLIENT, 'Client error.'],
  [LexStatusCodes.LA_E_ACCOUNT_ID, 'Invalid account ID.'],
  [LexStatusCodes.LA_E_LOGIN_TEMPORARILY_LOCKED, 'The user account has been temporarily locked for 5 mins due to 5 failed attempts.'],
  [LexStatusCodes.LA_E_AUTHENTICATION_ID_TOKEN_INVALID, 'Invalid authentication ID token.'],
  [LexStatusCodes.LA_E_OIDC_SSO_NOT_ENABLED, 'OIDC SSO is not enabled.'],
  [LexStatusCodes.LA_E_USERS_LIMIT_REACHED, 'The allowed users for this account has reached its limit.'],
  [LexStatusCodes.LA_E_OS_USER, 'OS user has changed since activation and the license is user-locked.'],
  [LexStatusCodes.LA_E_INVALID_PERMISSION_FLAG, 'Invalid permission flag.'],
  [LexStatusCodes.LA_E_FREE_PLAN_ACTIVATION_LIMIT_REACHED, 'The free plan has reached its activation limit.'],
  [LexStatusCodes.LA_E_FEATURE_ENTITLEMENTS_INVALID, 'Invalid feature entitlements.'],
  [LexStatusCodes.LA_E_FEATURE_ENTITLEMENT_NOT_FOUND, 'The feature entitlement does not exist.'],
  [LexStatusCodes.LA_E_ENTITLEMENT_SET_NOT_LINKED, 'No entitlement set is linked to the license.'],
  [LexStatusCodes.LA_E_LICENSE_NOT_EFFECTIVE, 'The license cannot be activated before its effective date.'],
  [LexStatusCodes.LA_E_DEVICE_NOT_FOUND, 'Device not found.'],
  [LexStatusCodes.LA_E_DEVICE_VALIDATION_FAILED, 'Device validation failed.'],
  [LexStatusCodes.LA_E_FINGERPRINT_VALIDATION_GRACE_PERIOD_OVER, 'Fingerprint validation grace period is over. Please connect to internet and restart the application.'],
  [LexStatusCodes.LA_E_ACTIVATION_CLONE_DETECTED, 'Activation clone detected.'],
]);

/** An error status from the library: `code` is the LA_* status, `message` its text. */
class LexActivatorException extends Error {
  /** @param {number} code the LA_* status */
  constructor(code) {
    super(LexActivatorException.getErrorMessage(code));
    this.name = 'LexActivatorException';
    /** The LA_* status code. */
    this.code = code;
  }

  /** The message for a status code ('Unknown error!' if it has none). */
  static getErrorMessage(code) {
    return MESSAGES.get(code) ?? 'Unknown error!';
  }
}

module.exports = { LexActivatorException };
