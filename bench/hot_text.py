#!/usr/bin/env python3
"""Regenerates link/hot-text.ld: the functions a licensed app runs at start-up, placed together.

    python3 bench/hot_text.py           # rebuild, profile, rewrite link/hot-text.ld
    python3 bench/hot_text.py --check   # exit 1 if the committed file differs

Why: a page of library code costs a page fault the first time it runs (about 3-6 us in a VM,
where the kernel maps 64 KiB around it). Start-up (SetProductData, SetProductId with device
identity, the first IsLicenseGenuine / IsLocalTrialGenuine) runs ~150 small functions scattered
over 1.3 MB of code, so it touched almost every 64 KiB block. With them in one `.text.hot`
section it touches two, which shows in the init benchmark row and halves the added RSS.

How: build the library unstripped, run the start-up paths in fresh processes under valgrind's
callgrind (a product with nothing activated, an activated license, a local trial; setup steps
such as the activation itself run outside the profile, and the license has no server sync so no
TLS runs), and list every function of ours that executed. The linker script names their
sections with the symbol hashes replaced by `*`, so it keeps working when hashes change (the
shipped build's profile, a new compiler, a dependency bump); only renamed or new functions drop
out, and the cost of that is a slower start, never a broken build. build.rs passes the file to lld; bench/compare.py fails
when the section is missing or much smaller than when generated.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

from compare import server_cli  # the benchmark's server CLI helper (same directory)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "link", "hot-text.ld")
TARGET = os.path.join(ROOT, "target", "hot-text")
LIB = os.path.join(TARGET, "release", "libLexActivator.so")

# One start-up scenario per fresh process. `{lib}` etc. are filled in; the store lives in
# XDG_DATA_HOME, set per scenario.
STARTUP = """
import ctypes, sys
lib = ctypes.CDLL({lib!r})
lib.SetProductData.argtypes = [ctypes.c_char_p]
lib.SetProductId.argtypes = [ctypes.c_char_p, ctypes.c_uint32]
lib.ActivateLocalTrial.argtypes = [ctypes.c_uint32]
lib.SetCryptlexHost.argtypes = [ctypes.c_char_p]
lib.SetLicenseKey.argtypes = [ctypes.c_char_p]
assert lib.SetProductData({data!r}.encode()) == 0
assert lib.SetProductId({pid!r}.encode(), 1) == 0
step = {step!r}
if step == "activate":
    lib.SetCryptlexHost({host!r}.encode())
    lib.SetLicenseKey({key!r}.encode())
    assert lib.ActivateLicense() == 0
elif step == "trial":
    assert lib.ActivateLocalTrial(30) == 0
else:
    buf = ctypes.create_string_buffer(256)
    expiry = ctypes.c_uint32()
    for _ in range(3):
        lib.IsLicenseGenuine()
        lib.IsLocalTrialGenuine()
    lib.GetLicenseKey(buf, 256)
    lib.GetLicenseExpiryDate(ctypes.byref(expiry))
    lib.GetLocalTrialExpiryDate(ctypes.byref(expiry))
"""


# Start-up code the symbol patterns cannot name: what ld.so runs at dlopen through function
# pointers (the C runtime's frame_dummy and friends, std's argv capture), and ring's
# assembly, whose objects keep all their functions in one `.text` (SHA-256, and the
# Montgomery multiplication of the RSA signature check). The exported functions the
# scenarios call are added by name below: libffi enters them without a call callgrind records.
ALWAYS = [
    "*crtbeginS.o(.text)",
    "*(.text.*ARGV_INIT_ARRAY*init_wrapper)",
    "*sha256-x86_64-elf.o(.text)",
    "*x86_64-mont-elf.o(.text)",
    "*x86_64-mont5-elf.o(.text)",
]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def build():
    env = dict(os.environ, CARGO_TARGET_DIR=TARGET, CARGO_PROFILE_RELEASE_STRIP="false")
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "openlex"], cwd=ROOT,
                   env=env, check=True)
    subprocess.run(["cargo", "build", "--quiet", "-p", "openlex-server", "--bins"], cwd=ROOT,
                   check=True)


def text_symbols(path):
    """Function symbol -> its address."""
    out = subprocess.run(["nm", "--defined-only", path], check=True, capture_output=True,
                         text=True).stdout
    return {f[2]: int(f[0], 16) for f in (l.split() for l in out.splitlines()) if len(f) == 3
            and f[1] in "tTW"}


def run(step, home, prod, key, profile_into=None):
    code = STARTUP.format(lib=LIB, data=prod["productData"], pid=prod["id"], step=step,
                          host=os.environ["OPENLEX_SERVER_URL"], key=key)
    env = dict(os.environ, XDG_DATA_HOME=home, HOME=home)
    cmd = [sys.executable, "-c", code]
    if profile_into:
        cmd = ["valgrind", "--tool=callgrind", "--demangle=no", "--compress-strings=no",
               f"--callgrind-out-file={profile_into}", *cmd]
    subprocess.run(cmd, env=env, check=True, capture_output=True)


def executed(profile):
    names = set()
    with open(profile, errors="replace") as f:
        for line in f:
            if line.startswith(("fn=", "cfn=")):
                names.add(line.split("=", 1)[1].strip())
    return names


def pattern(name):
    """The symbol with its hashes as wildcards (legacy `17h<hash>E`, v0 crate ids `Cs<id>_`)."""
    p = re.sub(r"\.llvm\.\d+$|\.\d+$", "", name)
    p = re.sub(r"17h[0-9a-f]{16}E$", "17h*", p)
    p = re.sub(r"Cs[0-9A-Za-z]+_", "Cs*_", p)
    p = re.sub(r"^ring_core_\d+_\d+_\d+__", "ring_core_*__", p)
    return p


def generate():
    build()
    ours = text_symbols(LIB)
    hot = set()
    prod = server_cli("product", "create", "--name", "hot-text")
    key = server_cli("license", "create", "--product-id", prod["id"],
                     "--server-sync-interval", "0")["key"]
    with tempfile.TemporaryDirectory() as tmp:
        for name, setup in (("nothing", None), ("activated", "activate"), ("trial", "trial")):
            home = os.path.join(tmp, name)
            os.makedirs(home)
            if setup:
                run(setup, home, prod, key)
            out = os.path.join(tmp, f"{name}.callgrind")
            log(f"hot_text: profiling start-up, {name} ...")
            run("check", home, prod, key, profile_into=out)
            hot |= executed(out) & ours.keys()
    # Identical code folding keeps one of several identical functions, and callgrind names
    # whichever alias it likes: list every name at a hot address, so the kept copy is hot.
    hot_addrs = {ours[n] for n in hot}
    hot |= {n for n, a in ours.items() if a in hot_addrs}
    # Exact names would not do: the hashes differ even between this unstripped build and the
    # shipped one (cargo hashes the profile). A generic's pattern also takes its other
    # instances along, which costs a few KiB of hot section, not correctness.
    patterns = {pattern(name) for name in hot}
    with open(os.path.join(ROOT, "exports.txt")) as f:
        api = {l.strip() for l in f if l.strip() and not l.startswith("#")}
    patterns |= set(re.findall(r"lib\.(\w+)\(", STARTUP)) & api
    lines = [
        "/* Generated by bench/hot_text.py (see there): the library's start-up code in one",
        " * place, so a process start touches few pages. Regenerate after changing the",
        " * start-up path; a stale entry only costs speed. */",
        "SECTIONS",
        "{",
        "  .text.hot :",
        "  {",
    ]
    lines += [f"    {p}" for p in ALWAYS]
    # LLVM puts `#[cold]` functions (std's Once::call, RawVec growth, ...) in
    # `.text.unlikely.<symbol>`; start-up runs several of them once.
    lines += [f"    *(.text.{p} .text.unlikely.{p})" for p in sorted(patterns)]
    lines += ["  }", "}", "INSERT BEFORE .text;", ""]
    log(f"hot_text: {len(hot)} functions, {len(patterns)} patterns")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed file")
    a = ap.parse_args()
    if not os.environ.get("OPENLEX_SERVER_URL"):
        subprocess.run(["cargo", "build", "--quiet", "-p", "openlex-server", "--bins"],
                       cwd=ROOT, check=True)
        cmd = [os.path.join(ROOT, "scripts", "with-server.sh"), sys.executable,
               os.path.abspath(__file__), *sys.argv[1:]]
        return subprocess.run(cmd).returncode
    text = generate()
    if a.check:
        with open(OUT) as f:
            same = f.read() == text
        log("hot_text: link/hot-text.ld is " + ("current" if same else "stale"))
        return 0 if same else 1
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    log(f"hot_text: wrote {os.path.relpath(OUT, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
