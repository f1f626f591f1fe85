#!/usr/bin/env python3
"""What the sync and validation calls return when the server cannot be reached, both libraries.

    python3 bench/unreachable.py --ours LIB --ours-data D --ours-pid P

Each library runs in a fresh process with no network (as root: its own network namespace with no
interface up, and for the vendor a private tmpfs over its store; bench/vendor.py) and its product
set: the vendor's library with its public demo product, ours with the product given. It calls
SyncLicenseActivation, SyncTrialActivation, IsLicenseGenuine and IsLicenseValid with nothing
activated, then sets a license key and calls them again, then ActivateLicense. Exit 1 when the
two differ.

What it cannot show: the vendor's answers after a real activation, which needs the vendor's
service. README ("Sync") says what ours does then and which documentation it follows;
tests/e2e.rs::grace_period_holds_while_the_server_is_unreachable_then_ends pins it.
"""

import argparse
import ctypes
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

CALLS = ["SyncLicenseActivation", "SyncTrialActivation", "IsLicenseGenuine", "IsLicenseValid"]


def driver(a):
    """The calls in this fresh process; prints `name status` lines."""
    lib = ctypes.CDLL(a.lib)
    lib.SetProductData.argtypes = [ctypes.c_char_p]
    lib.SetProductId.argtypes = [ctypes.c_char_p, ctypes.c_uint32]
    lib.SetLicenseKey.argtypes = [ctypes.c_char_p]
    print("SetProductData", lib.SetProductData(a.data.encode()))
    print("SetProductId", lib.SetProductId(a.pid.encode(), 1))
    for name in CALLS:
        print(f"{name}, nothing activated", getattr(lib, name)())
    print("SetLicenseKey", lib.SetLicenseKey(b"ABCDEF-ABCDEF-ABCDEF"))
    for name in CALLS:
        print(f"{name}, key set", getattr(lib, name)())
    print("ActivateLicense, no network", lib.ActivateLicense())


def run(lib, data, pid, isolate):
    """The driver's lines for one library, run under `isolate`."""
    home = tempfile.mkdtemp(prefix="olunreach-")
    env = dict(os.environ, HOME=home, XDG_DATA_HOME=os.path.join(home, "share"))
    cmd = [sys.executable, os.path.abspath(__file__), "--driver", "--lib", lib, "--data", data,
           "--pid", pid]
    p = subprocess.run(isolate(cmd), env=env, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise SystemExit(f"{lib}: {(p.stdout + p.stderr).strip()[-300:]}")
    return [line.rsplit(" ", 1) for line in p.stdout.strip().splitlines()]


def no_network(cmd):
    """`cmd` in its own network namespace with no interface up, where one can be made."""
    if os.geteuid() == 0:
        probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10)
        if probe.returncode == 0:
            return ["unshare", "-n"] + cmd
    return cmd


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    for opt in ("--lib", "--data", "--pid"):
        ap.add_argument(opt, default="", help=argparse.SUPPRESS)
    ap.add_argument("--ours", required=False, default="", help="our libLexActivator.so")
    ap.add_argument("--ours-data", default="", help="OpenLex product data for --ours")
    ap.add_argument("--ours-pid", default="", help="product id for --ours")
    a = ap.parse_args()
    if a.driver:
        return driver(a)
    if not a.ours:
        ap.error("--ours is required")
    import compare
    import vendor
    theirs = run(compare.vendor_lib(), vendor.PRODUCT_DATA, vendor.PRODUCT_ID, vendor.sandbox)
    ours = run(a.ours, a.ours_data, a.ours_pid, no_network)
    print("| call | vendor 3.46.0 | OpenLex |")
    print("|---|---|---|")
    diffs = 0
    for (name, v), (_, o) in zip(theirs, ours):
        diffs += v != o
        print(f"| {name} | {v} | {o} |")
    print(f"\nrows that differ: {diffs}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main() or 0)
