'use strict';
// Library lookup (see README): each case in a child process, since a process loads the library once.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const pkg = path.join(__dirname, '..');
const lib = process.env.OPENLEX_LIBRARY;

function load(env) {
  const clean = { ...process.env };
  delete clean.OPENLEX_LIBRARY;
  delete clean.LEXACTIVATOR_LIBRARY_PATH;
  return spawnSync(process.execPath, ['-e', `const m = require(${JSON.stringify(pkg)});
    m.LexActivator.GetLibraryVersion(); console.log(m.libraryPath)`], { env: { ...clean, ...env }, encoding: 'utf8' });
}

test('OPENLEX_LIBRARY names the file', { skip: !lib && 'OPENLEX_LIBRARY not set' }, () => {
  const r = load({ OPENLEX_LIBRARY: lib });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), lib);
});

test("LEXACTIVATOR_LIBRARY_PATH may name the library's directory", { skip: !lib && 'OPENLEX_LIBRARY not set' }, () => {
  const r = load({ LEXACTIVATOR_LIBRARY_PATH: path.dirname(lib) });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), path.join(path.dirname(lib), path.basename(lib)));
});

test('a variable naming no library is a clear error, not a fallback', () => {
  const r = load({ OPENLEX_LIBRARY: '/nonexistent/libLexActivator.so' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /cannot load the LexActivator library \(set OPENLEX_LIBRARY to its full path\)/);
  assert.match(r.stderr, /\/nonexistent\/libLexActivator\.so/);
});
