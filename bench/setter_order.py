#!/usr/bin/env python3
"""Measures every setter of the header before and after product data, one fresh process per call.

    python3 bench/setter_order.py                       # the vendor's 3.46.0 library (PyPI wheel)
    python3 bench/setter_order.py --ours LIB --data D --pid P   # also ours, side by side

What it answers (issue 14): which setters configure the process (they validate their argument and
succeed before SetProductData/SetProductId) and which need a product (LA_E_PRODUCT_ID, 43), and in
which order each checks. docs/SETTERS.md records the table this printed; tests/contract.rs pins
the same table against our library, so the tests never need the vendor library.

The vendor library runs in a network namespace with no interface up and with a private data
store (bench/vendor.py `sandbox`); its product data is its public demo product.
"""

import argparse
import ctypes
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

LONG = "a" * 300
FP64 = "f" * 64

# (function, argument kinds, arguments, what the row shows). Kinds: s = string, u = uint32,
# i = int64, cb = license callback (None = NULL).
CASES = [
    ("SetAppVersion", "s", ["1.0.0"], "valid"),
    ("SetAppVersion", "s", [LONG], "300 bytes"),
    ("SetReleaseVersion", "s", ["1.2.3"], "valid"),
    ("SetReleaseVersion", "s", ["abc"], "malformed"),
    ("SetReleasePlatform", "s", ["linux"], "valid"),
    ("SetReleasePlatform", "s", [LONG], "300 bytes"),
    ("SetReleaseChannel", "s", ["stable"], "valid"),
    ("SetReleaseChannel", "s", [LONG], "300 bytes"),
    ("SetReleasePublishedDate", "u", [1700000000], "any"),
    ("SetCustomDeviceFingerprint", "s", [FP64], "64 bytes"),
    ("SetCustomDeviceFingerprint", "s", ["short"], "5 bytes"),
    ("SetCryptlexHost", "s", ["https://127.0.0.1:9"], "https URL"),
    ("SetCryptlexHost", "s", ["garbage"], "malformed"),
    ("SetNetworkProxy", "s", ["http://127.0.0.1:3128"], "valid"),
    ("SetNetworkProxy", "s", [""], "empty"),
    ("SetNetworkProxy", "s", ["garbage"], "malformed"),
    ("SetTlsPeerVerification", "u", [1], "1"),
    ("SetDebugMode", "u", [0], "0"),
    ("SetCacheMode", "u", [1], "1"),
    ("SetDataDirectory", "s", ["@TMP@"], "existing dir"),
    ("SetDataDirectory", "s", ["/nonexistent/dir"], "missing dir"),
    ("SetLicenseCallback", "cb", [True], "a function"),
    ("SetLicenseCallback", "cb", [None], "NULL"),
    ("SetLicenseKey", "s", ["ABCDEF-ABCDEF-ABCDEF"], "valid"),
    ("SetLicenseKey", "s", ["abc"], "3 bytes"),
    ("SetLicenseUserCredential", "ss", ["a@b.c", "pw"], "any"),
    ("SetActivationLeaseDuration", "i", [100], "100"),
    ("SetActivationMetadata", "ss", ["k", "v"], "valid"),
    ("SetActivationMetadata", "ss", ["", "v"], "empty key"),
    ("SetTrialActivationMetadata", "ss", ["k", "v"], "valid"),
    ("SetTrialActivationMetadata", "ss", ["", "v"], "empty key"),
    ("SetOfflineActivationRequestMeterAttributeUses", "su", ["m", 1], "valid"),
    ("SetOfflineActivationRequestMeterAttributeUses", "su", ["", 1], "empty name"),
    ("SetOfflineActivationRequestMeterAttributeUses", "su", [LONG, 1], "300 bytes"),
    ("SetTwoFactorAuthenticationCode", "s", ["123456"], "six digits"),
    ("SetTwoFactorAuthenticationCode", "s", ["12"], "two digits"),
]

# Where each call is made: nothing set; SetProductData only; SetProductData + SetProductId;
# and then SetLicenseKey too.
STAGES = ["none", "data", "product", "key"]


def driver(a):
    """One call in this fresh process; prints the status."""
    lib = ctypes.CDLL(a.lib)
    lib.SetProductData.argtypes = [ctypes.c_char_p]
    lib.SetProductId.argtypes = [ctypes.c_char_p, ctypes.c_uint32]
    if a.stage != "none":
        rc = lib.SetProductData(a.data.encode())
        if rc != 0:
            raise SystemExit(f"SetProductData -> {rc}")
    if a.stage in ("product", "key"):
        rc = lib.SetProductId(a.pid.encode(), 1)
        if rc != 0:
            raise SystemExit(f"SetProductId -> {rc}")
    if a.stage == "key":
        lib.SetLicenseKey.argtypes = [ctypes.c_char_p]
        rc = lib.SetLicenseKey(b"ABCDEF-ABCDEF-ABCDEF")
        if rc != 0:
            raise SystemExit(f"SetLicenseKey -> {rc}")
    kinds, args = a.kinds, json.loads(a.args)
    fn = getattr(lib, a.fn)
    fn.restype = ctypes.c_int
    keep = []
    conv = []
    argtypes = []
    for k, v in zip(kinds if kinds != "cb" else ["cb"], args):
        if k == "s":
            argtypes.append(ctypes.c_char_p)
            conv.append(v.replace("@TMP@", a.tmp).encode())
        elif k == "u":
            argtypes.append(ctypes.c_uint32)
            conv.append(v)
        elif k == "i":
            argtypes.append(ctypes.c_int64)
            conv.append(v)
        else:
            proto = ctypes.CFUNCTYPE(None, ctypes.c_uint32)
            argtypes.append(proto)
            cb = proto(lambda s: None) if v else ctypes.cast(None, proto)
            keep.append(cb)
            conv.append(cb)
    fn.argtypes = argtypes
    print(fn(*conv))


def run(lib, stage, case, data, pid, isolate):
    fn, kinds, args, _ = case
    home = tempfile.mkdtemp(prefix="olsetter-")
    try:
        env = dict(os.environ, HOME=home, XDG_DATA_HOME=os.path.join(home, "share"),
                   XDG_CONFIG_HOME=os.path.join(home, "config"))
        cmd = [sys.executable, os.path.abspath(__file__), "--driver", "--lib", lib, "--stage", stage,
               "--fn", fn, "--kinds", kinds, "--args", json.dumps(args), "--data", data,
               "--pid", pid, "--tmp", home]
        p = subprocess.run(isolate(cmd), env=env, capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            return f"error: {(p.stdout + p.stderr).strip()[-200:]}"
        return p.stdout.strip().splitlines()[-1]
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    for opt in ("--lib", "--stage", "--fn", "--kinds", "--args", "--data", "--pid", "--tmp"):
        ap.add_argument(opt, default="", help=argparse.SUPPRESS)
    ap.add_argument("--ours", default="", help="also run our libLexActivator.so")
    ap.add_argument("--ours-data", default="", help="OpenLex product data for --ours")
    ap.add_argument("--ours-pid", default="", help="product id for --ours")
    a = ap.parse_args()
    if a.driver:
        return driver(a)
    import compare
    import vendor
    libs = [("vendor 3.46.0", compare.vendor_lib(), vendor.PRODUCT_DATA, vendor.PRODUCT_ID,
             vendor.sandbox)]
    if a.ours:
        libs.append(("OpenLex", a.ours, a.ours_data, a.ours_pid, lambda cmd: cmd))
    hdr = ["call", "argument"] + [f"{n}: {s}" for n, *_ in libs for s in STAGES]
    print("| " + " | ".join(hdr) + " |")
    print("|" + "|".join("---" for _ in hdr) + "|")
    diffs = 0
    for case in CASES:
        cells = []
        for _, lib, data, pid, ns in libs:
            cells.append([run(lib, s, case, data, pid, ns) for s in STAGES])
        if len(cells) > 1 and cells[0] != cells[1]:
            diffs += 1
        flat = [c for row in cells for c in row]
        print(f"| `{case[0]}` | {case[3]} | " + " | ".join(flat) + " |")
    isolated = vendor.sandbox(["true"]) != ["true"]
    print(f"\nvendor runs {'isolated (no network, private store)' if isolated else 'NOT isolated'}")
    if a.ours:
        print(f"rows that differ: {diffs}")
        return 1 if diffs else 0
    return 0


if __name__ == "__main__":
    sys.exit(main() or 0)
