'use strict';
// The Node binding against a live openlex-server (run under scripts/with-server.sh, which exports
// OPENLEX_SERVER_BIN, OPENLEX_SERVER_DIR, OPENLEX_SERVER_URL and SSL_CERT_FILE).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const {
  LexActivator, LexStatusCodes, LexActivatorException, PermissionFlags, ReleaseFlags, libraryPath,
} = require('..');

const SERVER_URL = process.env.OPENLEX_SERVER_URL;
if (!SERVER_URL) throw new Error('run under scripts/with-server.sh (OPENLEX_SERVER_URL is not set)');

/** The server's CLI, as an operator would use it; returns the parsed --json output. */
function cli(...args) {
  const out = execFileSync(process.env.OPENLEX_SERVER_BIN,
    ['--data-dir', process.env.OPENLEX_SERVER_DIR, ...args, '--json'], { encoding: 'utf8' });
  return JSON.parse(out);
}

/** A server CLI command that takes no --json (e.g. license suspend). */
function cliPlain(...args) {
  execFileSync(process.env.OPENLEX_SERVER_BIN, ['--data-dir', process.env.OPENLEX_SERVER_DIR, ...args]);
}

// One product for the file (creating one generates an RSA key: slow in debug builds).
const product = cli('product', 'create', '--name', `node-${process.pid}`);

/** Points the library at the product, the server and a fresh data directory. */
function setup(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openlex-node-'));
  t.after(async () => {
    // Reset waits for the sync thread; let a license callback already queued for the event loop
    // run first (see README, Callbacks). A sync that ends after this sees the stop flag instead.
    await new Promise((resolve) => setTimeout(resolve, 20));
    LexActivator.Reset();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  LexActivator.SetDataDirectory(dir);
  LexActivator.SetProductData(product.productData);
  LexActivator.SetProductId(product.id, PermissionFlags.LA_USER);
  LexActivator.SetCryptlexHost(SERVER_URL);
}

/** Resolves with the first value `pick` accepts among calls of the returned sink; bounded wait. */
function waitFor(pick, ms = 60000) {
  let resolve;
  let reject;
  const done = new Promise((res, rej) => { resolve = res; reject = rej; });
  const timer = setTimeout(() => reject(new Error(`no callback within ${ms} ms`)), ms);
  done.catch(() => {}); // awaited by the test; never an unhandled rejection
  const sink = (...args) => {
    const v = pick(...args);
    if (v !== undefined) {
      clearTimeout(timer);
      resolve(v);
    }
  };
  return { sink, done };
}

test('loads the library it names and reports its version', () => {
  assert.equal(libraryPath, process.env.OPENLEX_LIBRARY);
  assert.match(LexActivator.GetLibraryVersion(), /^\d+\.\d+\.\d+/);
});

test('vendor names: status codes, flags and the exception type', () => {
  assert.equal(LexStatusCodes.LA_OK, 0);
  assert.equal(LexStatusCodes.LA_E_LICENSE_KEY, 54);
  assert.equal(LexStatusCodes.LA_RELEASE_NO_UPDATE_AVAILABLE, LexStatusCodes.LA_RELEASE_UPDATE_NOT_AVAILABLE);
  assert.deepEqual(PermissionFlags, { LA_USER: 1, LA_SYSTEM: 2, LA_ALL_USERS: 3, LA_IN_MEMORY: 4 });
  assert.deepEqual(ReleaseFlags, { LA_RELEASES_ALL: 1, LA_RELEASES_ALLOWED: 2 });
  const e = new LexActivatorException(LexStatusCodes.LA_E_LICENSE_KEY);
  assert.ok(e instanceof Error);
  assert.equal(e.message, 'Invalid license key.');
  assert.equal(LexActivatorException.getErrorMessage(123456), 'Unknown error!');
});

test("LexStatusCodes matches the C header's enum", () => {
  const header = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'include', 'LexStatusCodes.h'), 'utf8');
  const fromHeader = Object.fromEntries([...header.matchAll(/^\s*(LA_[A-Z0-9_]+) = (\d+),/gm)].map((m) => [m[1], Number(m[2])]));
  const ours = { ...LexStatusCodes };
  delete ours.LA_RELEASE_NO_UPDATE_AVAILABLE; // a #define alias in the header
  assert.ok(Object.keys(fromHeader).length > 70);
  assert.deepEqual(ours, fromHeader);
});

test('bad input throws LexActivatorException with the status', (t) => {
  setup(t);
  assert.throws(() => LexActivator.SetProductId('not-a-product-id', PermissionFlags.LA_USER),
    (e) => e instanceof LexActivatorException && e.code === LexStatusCodes.LA_E_PRODUCT_ID);
  LexActivator.SetLicenseKey('NOPE-NOPE-NOPE');
  assert.throws(() => LexActivator.ActivateLicense(),
    (e) => e instanceof LexActivatorException && e.code === LexStatusCodes.LA_E_LICENSE_KEY);
  assert.equal(LexActivator.IsLicenseGenuine(), LexStatusCodes.LA_FAIL);
  assert.equal(LexActivator.GetLicenseExpiryDate(), 0, 'LA_FAIL reads as 0, as the vendor does');
  assert.equal(LexActivator.GetLicenseAllowedActivations(), 0n);
  assert.throws(() => LexActivator.GetActivationId(), LexActivatorException);
});

test('activate, getters (UTF-8 both ways), deactivate', (t) => {
  setup(t);
  const lic = cli('license', 'create', '--product-id', product.id, '--allowed-activations', '3',
    '--validity', String(86400 * 30));
  LexActivator.SetLicenseKey(lic.key);
  LexActivator.SetActivationMetadata('seat', 'Zürich-Ω-座席');
  const before = Math.floor(Date.now() / 1000);
  assert.equal(LexActivator.ActivateLicense(), LexStatusCodes.LA_OK);
  assert.equal(LexActivator.IsLicenseGenuine(), LexStatusCodes.LA_OK);
  assert.equal(LexActivator.IsLicenseValid(), LexStatusCodes.LA_OK);
  assert.equal(LexActivator.GetLicenseKey(), lic.key);
  assert.equal(LexActivator.GetLicenseType(), 'node-locked');
  assert.equal(LexActivator.GetActivationMetadata('seat'), 'Zürich-Ω-座席');
  assert.equal(LexActivator.GetLicenseAllowedActivations(), 3n);
  assert.equal(LexActivator.GetLicenseTotalActivations(), 1);
  assert.ok(LexActivator.GetActivationId().length > 0);
  const expiry = LexActivator.GetLicenseExpiryDate();
  assert.ok(expiry > before + 86400 * 29 && expiry <= Math.floor(Date.now() / 1000) + 86400 * 30 + 5, String(expiry));
  const mode = LexActivator.GetActivationMode();
  assert.deepEqual([mode.initialMode, mode.currentMode], ['online', 'online']);
  assert.throws(() => LexActivator.GetLicenseMetadata('nope'),
    (e) => e.code === LexStatusCodes.LA_E_METADATA_KEY_NOT_FOUND);
  assert.equal(LexActivator.DeactivateLicense(), LexStatusCodes.LA_OK);
  assert.equal(LexActivator.IsLicenseGenuine(), LexStatusCodes.LA_FAIL);
});

test('license callback fires on the library thread and runs on the main thread', async (t) => {
  setup(t);
  const lic = cli('license', 'create', '--product-id', product.id, '--server-sync-interval', '1');
  const seen = [];
  const ok = waitFor((status) => (status === LexStatusCodes.LA_OK ? status : undefined));
  LexActivator.SetLicenseCallback((status) => {
    // Getters are reentrant inside the callback (the vendor's Node wrapper relies on it).
    seen.push({ status, key: LexActivator.GetLicenseKey(), main: require('node:worker_threads').isMainThread });
    ok.sink(status);
  });
  LexActivator.SetLicenseKey(lic.key);
  assert.equal(LexActivator.ActivateLicense(), LexStatusCodes.LA_OK);
  assert.equal(LexActivator.IsLicenseGenuine(), LexStatusCodes.LA_OK); // starts the sync thread
  await ok.done;
  assert.deepEqual(seen[0], { status: LexStatusCodes.LA_OK, key: lic.key, main: true });

  const suspended = waitFor((status) => (status === LexStatusCodes.LA_SUSPENDED ? status : undefined));
  LexActivator.SetLicenseCallback(suspended.sink); // replacing the callback frees the old slot safely
  cliPlain('license', 'suspend', lic.id);
  await suspended.done;
  assert.equal(LexActivator.IsLicenseGenuine(), LexStatusCodes.LA_SUSPENDED);
});

test('a callback that throws does not reach the library', async (t) => {
  setup(t);
  const lic = cli('license', 'create', '--product-id', product.id, '--server-sync-interval', '1');
  const warned = waitFor((w) => (/boom from the app/.test(String(w.message)) ? w : undefined));
  process.on('warning', warned.sink);
  t.after(() => process.off('warning', warned.sink));
  LexActivator.SetLicenseCallback(() => { throw new Error('boom from the app'); });
  LexActivator.SetLicenseKey(lic.key);
  assert.equal(LexActivator.ActivateLicense(), LexStatusCodes.LA_OK);
  assert.equal(LexActivator.IsLicenseGenuine(), LexStatusCodes.LA_OK);
  const w = await warned.done;
  assert.match(String(w.message), /LexActivator callback threw/);
  assert.equal(LexActivator.IsLicenseValid(), LexStatusCodes.LA_OK);
});

test('CheckReleaseUpdate: the release callback gets the parsed release and the user data', async (t) => {
  setup(t);
  const lic = cli('license', 'create', '--product-id', product.id);
  cli('release', 'create', '--product-id', product.id, '--version', '2.0.0', '--platform', 'linux',
    '--channel', 'stable', '--name', 'Two');
  LexActivator.SetLicenseKey(lic.key);
  assert.equal(LexActivator.ActivateLicense(), LexStatusCodes.LA_OK);
  LexActivator.SetReleaseVersion('1.0.0');
  LexActivator.SetReleasePlatform('linux');
  LexActivator.SetReleaseChannel('stable');
  const got = waitFor((status, release, userData) => ({ status, release, userData }));
  const userData = { tag: 'mine' };
  LexActivator.CheckReleaseUpdate(got.sink, ReleaseFlags.LA_RELEASES_ALL, userData);
  const { status, release, userData: back } = await got.done;
  assert.equal(status, LexStatusCodes.LA_RELEASE_UPDATE_AVAILABLE);
  assert.equal(release.version, '2.0.0');
  assert.equal(back, userData);
  assert.throws(() => LexActivator.CheckReleaseUpdate('not a function', ReleaseFlags.LA_RELEASES_ALL, null), TypeError);
});
