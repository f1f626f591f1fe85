#!/usr/bin/env python3
"""Drop-in proof: the vendor's own Python wrapper, unmodified, driving OpenLex.

1. Creates a throwaway virtualenv and installs cryptlex-lexactivator==3.46.0 from PyPI into it
   (the wheel is cached in bindings/python/.cache/wheels, which is gitignored).
2. Checks the installed wrapper's Python files against the hashes in its own RECORD (untouched).
3. Copies OpenLex's libLexActivator.so over the native library file the wrapper loads
   (cryptlex/lexactivator/libs/linux/<gcc|musl>/<arch>/libLexActivator.so, the wrapper's rule).
4. Creates a product and a license on the running openlex-server with its CLI, and runs
   tests/vendor/vendor_flow.py in the virtualenv: a full licensing flow through the vendor API.

Run under scripts/with-server.sh (needs OPENLEX_SERVER_BIN/DIR/URL, SSL_CERT_FILE); the library
is $OPENLEX_LIBRARY, else $OPENLEX_LIB_DIR/libLexActivator.so, else <repo>/target/debug.
Exits non-zero on failure.
"""

import base64
import csv
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile

VENDOR_PACKAGE = "cryptlex-lexactivator==3.46.0"
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(HERE, ".cache", "wheels")
FLOW = os.path.join(HERE, "tests", "vendor", "vendor_flow.py")


def log(msg):
    print("[vendor-wrapper] " + msg, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def pip_env():
    """pip talks to PyPI: drop the development CA that with-server.sh exports for the library."""
    env = dict(os.environ)
    for var in ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "PIP_CERT"):
        env.pop(var, None)
    return env


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def our_library():
    path = os.environ.get("OPENLEX_LIBRARY")
    if not path:
        lib_dir = os.environ.get("OPENLEX_LIB_DIR") or os.path.join(REPO, "target", "debug")
        path = os.path.join(lib_dir, "libLexActivator.so")
    if not os.path.isfile(path):
        sys.exit("vendor-wrapper: %s missing; run cargo build --lib" % path)
    return path


def install_vendor_wrapper(venv):
    py = os.path.join(venv, "bin", "python")
    os.makedirs(CACHE, exist_ok=True)
    pip = [py, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    have = [f for f in os.listdir(CACHE) if f.startswith("cryptlex_lexactivator-3.46.0") and f.endswith(".whl")]
    if not have:
        log("downloading %s into %s" % (VENDOR_PACKAGE, CACHE))
        run(pip + ["download", "--no-deps", VENDOR_PACKAGE, "-d", CACHE], env=pip_env())
    run(pip + ["install", "--no-index", "--find-links", CACHE, VENDOR_PACKAGE], env=pip_env())
    return py


def site_packages(py):
    out = run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
              capture_output=True, text=True)
    return out.stdout.strip()


def verify_record(site):
    """Every installed .py file of the wrapper matches the hash pip recorded from the PyPI wheel."""
    dist = os.path.join(site, "cryptlex_lexactivator-3.46.0.dist-info")
    checked = 0
    with open(os.path.join(dist, "RECORD")) as f:
        for row in csv.reader(f):
            path, digest = row[0], row[1]
            if not path.endswith(".py") or not digest:
                continue
            algo, want = digest.split("=", 1)
            with open(os.path.join(site, path), "rb") as g:
                got = base64.urlsafe_b64encode(hashlib.new(algo, g.read()).digest()).rstrip(b"=").decode()
            if got != want:
                sys.exit("vendor-wrapper: %s differs from the PyPI wheel" % path)
            checked += 1
    if checked == 0:
        sys.exit("vendor-wrapper: no Python files in RECORD")
    log("vendor wrapper is unmodified: %d Python files match their RECORD hashes" % checked)


def vendor_library_path(site):
    """The file the vendor's lexactivator_native.get_library_path() picks on Linux."""
    if not sys.platform.startswith("linux"):
        sys.exit("vendor-wrapper: this proof runs on Linux")
    machine = platform.machine().lower()
    is64 = sys.maxsize > 2 ** 32
    if "arm" in machine or "aarch64" in machine:
        arch = "arm64" if is64 else "armhf"
    else:
        arch = "x86_64" if is64 else "x86"
    try:
        ldd = subprocess.run(["ldd", "--version"], capture_output=True, text=True)
        musl = "musl" in (ldd.stdout + ldd.stderr)
    except OSError:
        musl = False
    path = os.path.join(site, "cryptlex", "lexactivator", "libs", "linux",
                        "musl" if musl else "gcc", arch, "libLexActivator.so")
    if not os.path.isfile(path):
        sys.exit("vendor-wrapper: expected the wrapper's library at %s" % path)
    return path


def server_cli(*args):
    cmd = [os.environ["OPENLEX_SERVER_BIN"], "--data-dir", os.environ["OPENLEX_SERVER_DIR"]] + list(args) + ["--json"]
    return json.loads(run(cmd, capture_output=True, text=True).stdout)


def main():
    for var in ("OPENLEX_SERVER_BIN", "OPENLEX_SERVER_DIR", "OPENLEX_SERVER_URL"):
        if not os.environ.get(var):
            sys.exit("vendor-wrapper: %s not set; run under scripts/with-server.sh" % var)
    ours = our_library()
    work = tempfile.mkdtemp(prefix="openlex-vendor-")
    try:
        venv = os.path.join(work, "venv")
        log("creating virtualenv %s" % venv)
        run([sys.executable, "-m", "venv", venv])
        py = install_vendor_wrapper(venv)
        site = site_packages(py)
        verify_record(site)
        target = vendor_library_path(site)
        vendor_digest = sha256_file(target)
        shutil.copyfile(ours, target)
        log("replaced %s (vendor sha256 %s...) with %s" % (target, vendor_digest[:12], ours))

        product = server_cli("product", "create", "--name", "vendor-wrapper-proof")
        lic = server_cli("license", "create", "--product-id", product["id"], "--allowed-activations", "2",
                         "--validity", str(7 * 86400), "--metadata", "Tier=gold",
                         "--extra-json", json.dumps({"featureEntitlements": [
                             {"featureName": "export", "value": "true"},
                             {"featureName": "seats", "value": "5"}]}))
        env = dict(os.environ)
        env.update({
            "VENDOR_FLOW_PRODUCT_DATA": product["productData"],
            "VENDOR_FLOW_PRODUCT_ID": product["id"],
            "VENDOR_FLOW_LICENSE_KEY": lic["key"],
            "VENDOR_FLOW_DATA_DIR": os.path.join(work, "data"),
            "VENDOR_FLOW_OPENLEX_SHA256": sha256_file(ours),
        })
        os.makedirs(env["VENDOR_FLOW_DATA_DIR"])
        # Nothing of ours on the path: only the venv's site-packages.
        env.pop("PYTHONPATH", None)
        log("running the flow through the unmodified vendor API")
        result = subprocess.run([py, "-I", FLOW], env=env, cwd=work)
        if result.returncode != 0:
            log("FAILED")
            return 1
        log("PASSED: the vendor's Python wrapper works unmodified on OpenLex")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
