#!/usr/bin/env python3
"""Measures which status the vendor's library gives for each Web API error code.

    sudo python3 bench/error_codes.py      # root: it needs its own network namespace

For every code string below, a loopback HTTPS server (this script, self-signed certificate)
answers `{"code": CODE, "message": "x"}` with HTTP 400, and the vendor's 3.46.0 library (its
public demo product, TLS peer verification off) calls ActivateLicense, ActivateTrial and
AuthenticateUser(WithIdToken) against it, each in a fresh process. Everything runs inside a network namespace with
only loopback up, so nothing can leave the machine.

The codes: the upper-snake-case strings of the vendor's library that are API codes (`strings` on
libLexActivator.so, without curl's option names), the codes of reference wire.md §8, and
openlex-server's own (crates/wire ErrorCode). tests/data/vendor_error_codes.tsv records what this
printed; net::errors is pinned to it by tests/error_codes.rs.
"""

import ctypes
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# Found in the vendor's binary (see the docstring).
VENDOR_STRINGS = [
    "ACCOUNT_LOGIN_TEMPORARILY_LOCKED", "ACTIVATION_CLONE_DETECTED", "ACTIVATION_LIMIT_REACHED",
    "ACTIVATION_NOT_FOUND", "AUTHENTICATION_FAILED", "CONTAINER_ACTIVATION_NOT_ALLOWED",
    "COUNTRY_NOT_ALLOWED", "DEACTIVATION_LIMIT_REACHED", "FREE_PLAN_ACTIVATION_LIMIT_REACHED",
    "INVALID_ACCOUNT_ID", "INVALID_ACTIVATION_FINGERPRINT", "INVALID_ACTIVATION_ID",
    "INVALID_AUTHENTICATION_CREDENTIALS", "INVALID_DEVICE_CHALLENGE_SIGNATURE", "INVALID_DEVICE_ID",
    "INVALID_LICENSE_ID", "INVALID_LICENSE_KEY", "INVALID_LICENSE_TYPE", "INVALID_PRODUCT_ID",
    "INVALID_RELEASE_VERSION_FORMAT", "INVALID_TWO_FACTOR_CODE", "INVALID_VERSION_FORMAT",
    "IP_ADDRESS_NOT_ALLOWED", "LICENSE_NOT_EFFECTIVE", "METER_ATTRIBUTE_USES_LIMIT_REACHED",
    "MISSING_TWO_FACTOR_CODE", "NO_ERROR", "OIDC_SSO_NOT_ENABLED", "PLAN_UPGRADE_REQUIRED",
    "RELEASE_VERSION_NOT_ALLOWED", "REVOKED_LICENSE", "TRIAL_ACTIVATION_LIMIT_REACHED",
    "TRIAL_NOT_ALLOWED", "VM_ACTIVATION_NOT_ALLOWED",
]
# openlex-server's codes that the list above lacks, and wire.md's examples of unknown codes.
OURS_AND_OTHERS = [
    "METER_ATTRIBUTE_NOT_FOUND", "TWO_FACTOR_AUTHENTICATION_CODE_MISSING",
    "TWO_FACTOR_AUTHENTICATION_CODE_INVALID", "LOGIN_TEMPORARILY_LOCKED", "USER_NOT_AUTHENTICATED",
    "AUTHENTICATION_ID_TOKEN_INVALID", "USERS_LIMIT_REACHED", "INVALID_OS_USER",
    "INVALID_OFFLINE_REQUEST", "VALIDATION_FAILED", "NOT_FOUND", "UNAUTHORIZED", "FORBIDDEN",
    "CONFLICT", "PAYLOAD_TOO_LARGE", "TOO_MANY_REQUESTS", "INTERNAL_SERVER_ERROR",
    "LICENSE_NOT_FOUND", "LICENSE_SUSPENDED", "PRODUCT_NOT_FOUND", "FOO_BAR",
]
CALLS = ["ActivateLicense", "ActivateTrial", "AuthenticateUser", "AuthenticateUserWithIdToken"]


class Handler(BaseHTTPRequestHandler):
    code = "NO_ERROR"

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = json.dumps({"code": Handler.code, "message": "x"}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_DELETE = _answer

    def log_message(self, *args):
        pass


def driver(lib_path, call, url):
    """One call against the server in this fresh process; prints the status."""
    import vendor
    lib = ctypes.CDLL(lib_path)
    s = ctypes.c_char_p
    lib.SetProductData.argtypes = [s]
    lib.SetProductId.argtypes = [s, ctypes.c_uint32]
    lib.SetCryptlexHost.argtypes = [s]
    lib.SetLicenseKey.argtypes = [s]
    lib.SetTlsPeerVerification.argtypes = [ctypes.c_uint32]
    lib.AuthenticateUser.argtypes = [s, s]
    lib.AuthenticateUserWithIdToken.argtypes = [s]
    assert lib.SetProductData(vendor.PRODUCT_DATA.encode()) == 0
    assert lib.SetProductId(vendor.PRODUCT_ID.encode(), 1) == 0
    assert lib.SetTlsPeerVerification(0) == 0
    assert lib.SetCryptlexHost(url.encode()) == 0
    if call == "ActivateLicense":
        assert lib.SetLicenseKey(b"ABCDEF-ABCDEF-ABCDEF") == 0
        print(lib.ActivateLicense())
    elif call == "ActivateTrial":
        print(lib.ActivateTrial())
    elif call == "AuthenticateUser":
        print(lib.AuthenticateUser(b"user@example.com", b"password1"))
    else:
        print(lib.AuthenticateUserWithIdToken(b"eyJhbGciOiJub25lIn0.e30."))


def inside(lib_path):
    """In the namespace: loopback up, the server, one fresh process per (code, call)."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    tmp = tempfile.mkdtemp(prefix="olcodes-")
    try:
        cert, key = os.path.join(tmp, "c.pem"), os.path.join(tmp, "k.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
        httpd = HTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
        url = f"https://127.0.0.1:{httpd.server_address[1]}"
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        print("| code | " + " | ".join(CALLS) + " |")
        print("|---|" + "---|" * len(CALLS))
        for code in VENDOR_STRINGS + OURS_AND_OTHERS:
            Handler.code = code
            cells = []
            for call in CALLS:
                p = subprocess.run([sys.executable, os.path.abspath(__file__), "--driver", lib_path,
                                    call, url], capture_output=True, text=True, timeout=60,
                                   env=dict(os.environ, HOME=tmp))
                out = p.stdout.strip().splitlines()
                cells.append(out[-1] if p.returncode == 0 and out else "error")
            print(f"| `{code}` | " + " | ".join(cells) + " |", flush=True)
        httpd.shutdown()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--driver":
        return driver(*sys.argv[2:5])
    if len(sys.argv) > 1 and sys.argv[1] == "--inside":
        return inside(sys.argv[2])
    import compare
    import vendor
    lib = compare.vendor_lib()
    cmd = vendor.sandbox([sys.executable, os.path.abspath(__file__), "--inside", lib])
    if cmd[0] != "unshare":
        raise SystemExit("needs root and unshare: the vendor library must run in its own "
                         "network namespace here")
    return subprocess.run(cmd).returncode


if __name__ == "__main__":
    sys.exit(main() or 0)
