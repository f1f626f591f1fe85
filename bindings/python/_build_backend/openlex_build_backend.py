"""PEP 517 backend: setuptools.build_meta, plus optional bundling of the native library.

    OPENLEX_BUNDLE_LIB=/path/to/libLexActivator.so python -m build --wheel

copies the file into openlex/libs/ for the duration of the build and gives the wheel the
platform tag of that library (py3-none-<platform>), read from the file itself so a library
built for another target gets its own tag:

- Linux, glibc: manylinux_2_<N>_<arch>, N the newest GLIBC_2.N symbol version it needs (PEP 600);
- Linux, musl (no symbol versions; it needs musl's libc): musllinux_1_2_<arch> (PEP 656);
- Windows DLL: win_amd64 / win_arm64; macOS dylib: macosx_10_12_x86_64 / macosx_11_0_arm64;
- anything else: this interpreter's platform (sysconfig.get_platform()).

Without the variable the wheel is pure Python (py3-none-any) and finds the library at run time.
"""

import os
import re
import shutil
import struct
import sysconfig

from setuptools import build_meta as _orig
from setuptools.build_meta import *  # noqa: F401,F403  (re-export every hook)

# ELF e_machine -> the architecture name wheel tags use.
_ELF_ARCH = {3: "i686", 62: "x86_64", 40: "armv7l", 183: "aarch64", 243: "riscv64"}


def platform_tag(path):
    """The wheel platform tag for the native library at `path`."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"MZ":
        # PE: the machine field of the COFF header that follows the "PE\0\0" signature.
        (pe,) = struct.unpack("<I", data[0x3C:0x40])
        (machine,) = struct.unpack("<H", data[pe + 4:pe + 6])
        tags = {0x8664: "win_amd64", 0xAA64: "win_arm64", 0x14C: "win32"}
        if machine not in tags:
            raise ValueError("%s: unknown PE machine 0x%x" % (path, machine))
        return tags[machine]
    if data[:4] == b"\xcf\xfa\xed\xfe":
        # 64-bit Mach-O; Rust's default deployment targets: macOS 10.12 (x86_64), 11.0 (arm64).
        (cputype,) = struct.unpack("<I", data[4:8])
        tags = {0x01000007: "macosx_10_12_x86_64", 0x0100000C: "macosx_11_0_arm64"}
        if cputype not in tags:
            raise ValueError("%s: unknown Mach-O CPU type 0x%x" % (path, cputype))
        return tags[cputype]
    if data[:4] != b"\x7fELF":
        return sysconfig.get_platform().replace("-", "_").replace(".", "_")
    if data[4] != 2:
        raise ValueError("%s: only 64-bit ELF libraries are packaged" % path)
    endian = "<" if data[5] == 1 else ">"
    (machine,) = struct.unpack(endian + "H", data[18:20])
    arch = _ELF_ARCH.get(machine)
    if arch is None:
        raise ValueError("%s: unknown ELF machine %d" % (path, machine))
    # The version names (.dynstr) of the glibc symbols the library is linked against.
    minors = [int(m) for m in re.findall(rb"GLIBC_2\.(\d+)(?:\.\d+)?\x00", data)]
    if not minors:
        # musl: no symbol versions; the library needs musl's libc (as "libc.so" when linked by
        # musl-gcc, or by its loader's name).
        if re.search(rb"\x00(libc\.so|libc\.musl-[a-z0-9_]+\.so\.1|ld-musl-[a-z0-9_]+\.so\.1)\x00", data):
            return "musllinux_1_2_%s" % arch
        raise ValueError("%s: neither glibc symbol versions nor musl's libc found" % path)
    return "manylinux_2_%d_%s" % (max(minors), arch)

_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBS = os.path.join(_HERE, "openlex", "libs")


def _bundle():
    src = os.environ.get("OPENLEX_BUNDLE_LIB")
    if not src:
        return None
    if not os.path.isfile(src):
        raise FileNotFoundError("OPENLEX_BUNDLE_LIB=%s is not a file" % src)
    os.makedirs(_LIBS, exist_ok=True)
    dest = os.path.join(_LIBS, os.path.basename(src))
    shutil.copy2(src, dest)
    return dest


def _clean():
    # setuptools reuses build/lib between in-tree builds; a library bundled by an earlier
    # build must not leak into a later pure wheel (and vice versa).
    shutil.rmtree(os.path.join(_HERE, "build"), ignore_errors=True)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _clean()
    copied = _bundle()
    try:
        if copied:
            config_settings = dict(config_settings or {})
            plat = platform_tag(copied)
            opts = config_settings.get("--build-option", [])
            if isinstance(opts, str):
                opts = [opts]
            config_settings["--build-option"] = list(opts) + ["--plat-name", plat]
        return _orig.build_wheel(wheel_directory, config_settings, metadata_directory)
    finally:
        if copied:
            os.remove(copied)
        _clean()
