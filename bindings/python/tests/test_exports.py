"""The binding declares exactly the library's exports, with consistent signatures."""

import ctypes
import os

import pytest

from openlex import _native
from conftest import REPO_ROOT


def exported_names():
    path = os.path.join(REPO_ROOT, "exports.txt")
    with open(path) as f:
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}


def test_table_covers_exports_exactly():
    names = exported_names()
    table = set(_native.SIGNATURES)
    assert not names - table, "exports missing from SIGNATURES: %s" % sorted(names - table)
    assert not table - names, "SIGNATURES names not exported: %s" % sorted(table - names)


def test_every_entry_is_well_formed():
    for name, (restype, argtypes) in _native.SIGNATURES.items():
        assert restype is ctypes.c_int, name
        assert isinstance(argtypes, list), name


def test_every_export_binds_against_the_library():
    lib = _native.library()
    for name in sorted(_native.SIGNATURES):
        fn = _native.function(name)
        assert fn is getattr(lib, name)
        assert fn.argtypes == _native.SIGNATURES[name][1]


def test_library_is_the_one_configured():
    assert os.path.realpath(_native.library_path()) == os.path.realpath(os.environ["OPENLEX_LIBRARY"])


def test_missing_explicit_library_is_an_error_naming_the_variable(monkeypatch):
    monkeypatch.setenv("OPENLEX_LIBRARY", "/nonexistent/libLexActivator.so")
    with pytest.raises(_native.LibraryNotFoundError) as err:
        _native.find_library()
    assert isinstance(err.value, OSError)
    assert "/nonexistent/libLexActivator.so" in str(err.value)
    assert "(from OPENLEX_LIBRARY)" in str(err.value)
    monkeypatch.delenv("OPENLEX_LIBRARY")
    monkeypatch.setenv("LEXACTIVATOR_LIBRARY_PATH", "/nonexistent/dir-or-file")
    with pytest.raises(_native.LibraryNotFoundError) as err:
        _native.find_library()
    assert "(from LEXACTIVATOR_LIBRARY_PATH)" in str(err.value)
    assert "Set OPENLEX_LIBRARY" in str(err.value)


def test_library_found_nowhere_says_where_it_looked(tmp_path):
    """What a user sees with nothing configured: every place looked at and how to fix it."""
    import subprocess
    import sys
    from conftest import PKG_ROOT
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENLEX_LIBRARY", "LEXACTIVATOR_LIBRARY_PATH", "LD_LIBRARY_PATH")}
    env["PYTHONPATH"] = PKG_ROOT
    probe = subprocess.run([sys.executable, "-c", "import ctypes.util; print(ctypes.util.find_library('LexActivator'))"],
                           env=env, capture_output=True, text=True, check=True)
    if probe.stdout.strip() != "None":
        pytest.skip("a libLexActivator is installed system-wide: %s" % probe.stdout.strip())
    if os.path.exists(os.path.join(_native.PACKAGE_LIB_DIR, _native.LIBRARY_FILE)):
        pytest.skip("a library is bundled in openlex/libs/")
    code = ("from openlex import LexActivator\n"
            "try:\n"
            "    LexActivator.SetProductData('x')\n"
            "except OSError as e:\n"
            "    print(type(e).__name__); print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=str(tmp_path), check=True).stdout
    assert out.startswith("LibraryNotFoundError\n"), out
    assert "OPENLEX_LIBRARY: not set" in out, out
    assert "LEXACTIVATOR_LIBRARY_PATH: not set" in out, out
    assert os.path.join(_native.PACKAGE_LIB_DIR, _native.LIBRARY_FILE) + ": no such file" in out, out
    assert "find_library('LexActivator'): nothing" in out, out
    assert _native.LIBRARY_FILE in out.split("find_library('LexActivator'): nothing", 1)[1], out
    assert "Set OPENLEX_LIBRARY to the library's full path" in out, out


def test_vendor_style_directory_is_accepted(monkeypatch):
    real = _native.library_path()
    monkeypatch.delenv("OPENLEX_LIBRARY", raising=False)
    monkeypatch.setenv("LEXACTIVATOR_LIBRARY_PATH", os.path.dirname(real))
    assert _native.find_library() == os.path.join(os.path.dirname(real), _native.LIBRARY_FILE)


def header_signatures():
    """name -> [parameter type] parsed from include/LexActivator.h."""
    import re
    with open(os.path.join(REPO_ROOT, "include", "LexActivator.h")) as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    found = {}
    for m in re.finditer(r"LEXACTIVATOR_API\s+int\s+(?:LA_CC\s+)?(\w+)\s*\(([^)]*)\)\s*;", text):
        params = " ".join(m.group(2).split())
        types = []
        if params and params != "void":
            for p in params.split(","):
                p = p.strip()
                is_ptr = "*" in p
                base = p.replace("*", " ").split()[:-1]  # drop the parameter name
                types.append((" ".join(w for w in base if w != "const"), is_ptr))
        found[m.group(1)] = types
    return found


C_TO_CTYPES = {
    ("CSTRTYPE", False): _native.CSTRTYPE,
    ("STRTYPE", False): _native.STRTYPE,
    ("uint32_t", False): ctypes.c_uint32,
    ("int64_t", False): ctypes.c_int64,
    ("uint32_t", True): ctypes.POINTER(ctypes.c_uint32),
    ("int64_t", True): ctypes.POINTER(ctypes.c_int64),
    ("uint64_t", True): ctypes.POINTER(ctypes.c_uint64),
    ("void", True): ctypes.c_void_p,
    ("FeatureEntitlement", True): ctypes.POINTER(_native.FeatureEntitlementStruct),
    ("OrganizationAddress", True): ctypes.POINTER(_native.OrganizationAddressStruct),
    ("UserLicense", True): ctypes.POINTER(_native.UserLicenseStruct),
    ("DataStoreInfo", True): ctypes.POINTER(_native.DataStoreInfoStruct),
    ("LicenseLookupInfo", True): ctypes.POINTER(_native.LicenseLookupInfoStruct),
    ("CallbackType", False): _native.CallbackType,
    ("ReleaseCallbackType", False): _native.ReleaseCallbackType,
    ("ReleaseCallbackTypeInternal", False): _native.ReleaseCallbackTypeInternal,
}


def test_table_matches_the_header():
    header = header_signatures()
    assert len(header) >= 100, "header parse found only %d functions" % len(header)
    for name, params in sorted(header.items()):
        assert name in _native.SIGNATURES, name
        want = [C_TO_CTYPES[p] for p in params]
        assert _native.SIGNATURES[name][1] == want, name
    assert set(header) == set(_native.SIGNATURES), sorted(set(_native.SIGNATURES) ^ set(header))


def test_struct_sizes_follow_lextypes():
    # Sizes implied by LexTypes.h on LP64 Unix (char = 1 byte).
    if _native.IS_WINDOWS:
        pytest.skip("wchar_t layout")
    assert ctypes.sizeof(_native.FeatureEntitlementStruct) == 4 * 256 + 8
    assert ctypes.sizeof(_native.OrganizationAddressStruct) == 6 * 256
    assert ctypes.sizeof(_native.DataStoreInfoStruct) == 256 + 256 + 4 + 1024
    assert ctypes.sizeof(_native.LicenseLookupInfoStruct) == 512
