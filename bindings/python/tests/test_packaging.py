"""The package builds as a wheel, optionally bundling the library, and works once installed.

Builds in a throwaway virtualenv (pip fetches setuptools for the isolated build), so it is
opt-in: set OPENLEX_TEST_PACKAGING=1 (ci.sh does).
"""

import os
import re
import subprocess
import sys
import textwrap
import zipfile

import pytest

from conftest import PKG_ROOT, REPO_ROOT

pytestmark = pytest.mark.skipif(os.environ.get("OPENLEX_TEST_PACKAGING") != "1",
                                reason="set OPENLEX_TEST_PACKAGING=1 to build and install wheels")


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    path = tmp_path_factory.mktemp("pkg") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path


def build(venv, out, bundle=None):
    env = dict(os.environ)
    # pip talks to PyPI: not through the development CA that with-server.sh exports.
    for var in ("OPENLEX_BUNDLE_LIB", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "PIP_CERT"):
        env.pop(var, None)
    if bundle:
        env["OPENLEX_BUNDLE_LIB"] = bundle
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "--quiet",
                    "wheel", "--no-deps", PKG_ROOT, "-w", str(out)], check=True, env=env)
    wheels = sorted(out.glob("openlex-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_pure_wheel(venv, tmp_path):
    wheel = build(venv, tmp_path)
    assert wheel.name.endswith("-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "openlex/lexactivator.py" in names
    assert not [n for n in names if n.endswith(".so")]


def test_bundled_wheel_installs_and_loads_its_own_library(venv, tmp_path):
    lib = os.environ["OPENLEX_LIBRARY"]
    wheel = build(venv, tmp_path, bundle=lib)
    assert not wheel.name.endswith("-any.whl"), "a wheel with a native library is platform-tagged"
    assert "openlex/libs/libLexActivator.so" in zipfile.ZipFile(wheel).namelist()
    assert not os.path.exists(os.path.join(PKG_ROOT, "openlex", "libs", "libLexActivator.so")), \
        "the build leaves the source tree clean"
    py = str(venv / "bin" / "python")
    subprocess.run([py, "-m", "pip", "--disable-pip-version-check", "--quiet", "install", "--force-reinstall",
                    str(wheel)], check=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENLEX_LIBRARY", "LEXACTIVATOR_LIBRARY_PATH", "PYTHONPATH")}
    code = ("from openlex import LexActivator, _native; import os;"
            "print(LexActivator.GetLibraryVersion());"
            "assert os.path.dirname(_native.library_path()) == _native.PACKAGE_LIB_DIR, _native.library_path()")
    out = subprocess.run([py, "-I", "-c", code], check=True, capture_output=True, text=True, env=env, cwd=str(tmp_path))
    assert out.stdout.strip()


def glibc_needed(lib):
    """The newest GLIBC_2.N the library's dynamic symbols need, read with objdump (independently
    of the build backend's own reading of the file)."""
    out = subprocess.run(["objdump", "-T", lib], check=True, capture_output=True, text=True).stdout
    return max(int(m) for m in re.findall(r"GLIBC_2\.(\d+)", out))


def test_bundled_wheel_tag_vendor_names_and_activation_in_fresh_venv(venv, server, shared_product, tmp_path):
    """The platform wheel: manylinux tag for the glibc the library needs, the vendor's module
    names, and, installed into a fresh venv, an activation against openlex-server."""
    lib = os.environ["OPENLEX_LIBRARY"]
    wheel = build(venv, tmp_path / "wheels", bundle=lib)
    assert wheel.name == "openlex-3.46.0-py3-none-manylinux_2_%d_x86_64.whl" % glibc_needed(lib), wheel.name
    names = zipfile.ZipFile(wheel).namelist()
    assert "cryptlex/lexactivator/__init__.py" in names and "cryptlex/__init__.py" in names

    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = str(venv / "bin" / "python")
    subprocess.run([py, "-m", "pip", "--disable-pip-version-check", "--quiet", "install", "--no-index", str(wheel)],
                   check=True, env=pip_env())
    product_id, product_data = shared_product
    _, key = server.license(product_id)
    app = textwrap.dedent("""
        import sys, tempfile
        # The vendor's import names, unchanged.
        from cryptlex.lexactivator import LexActivator, LexStatusCodes, PermissionFlags, LexActivatorException
        from cryptlex.lexactivator.lexstatus_codes import LexStatusCodes as Codes2
        import openlex._native as native
        product_data, product_id, host, key = sys.argv[1:5]
        LexActivator.SetDataDirectory(tempfile.mkdtemp())
        LexActivator.SetProductData(product_data)
        LexActivator.SetProductId(product_id, PermissionFlags.LA_USER)
        LexActivator.SetCryptlexHost(host)
        LexActivator.SetLicenseKey(key)
        assert LexActivator.ActivateLicense() == LexStatusCodes.LA_OK
        assert LexActivator.IsLicenseGenuine() == Codes2.LA_OK
        print(LexActivator.GetLicenseKey())
        print(native.library_path())
        assert LexActivator.DeactivateLicense() == LexStatusCodes.LA_OK
    """)
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENLEX_LIBRARY", "LEXACTIVATOR_LIBRARY_PATH", "PYTHONPATH")}
    out = subprocess.run([py, "-I", "-c", app, product_data, product_id, server.url, key],
                         check=True, capture_output=True, text=True, env=env, cwd=str(tmp_path))
    printed_key, loaded = out.stdout.split()
    assert printed_key == key
    assert loaded.startswith(str(venv)), "the wheel's own library, not the build tree's: " + loaded


MUSL_LIBS = [os.path.join(REPO_ROOT, "target", "musl-cdylib", "x86_64-unknown-linux-musl", p, "libLexActivator.so")
             for p in ("debug", "release")]


@pytest.mark.skipif(not any(os.path.exists(p) for p in MUSL_LIBS),
                    reason="no musl libLexActivator.so built (scripts/platforms.sh or release.sh linux-musl-x86_64)")
def test_musl_library_gets_a_musllinux_wheel(venv, tmp_path):
    lib = next(p for p in MUSL_LIBS if os.path.exists(p))
    wheel = build(venv, tmp_path / "wheels", bundle=lib)
    assert wheel.name == "openlex-3.46.0-py3-none-musllinux_1_2_x86_64.whl", wheel.name
    assert "openlex/libs/libLexActivator.so" in zipfile.ZipFile(wheel).namelist()


def pip_env():
    env = dict(os.environ)
    for var in ("OPENLEX_BUNDLE_LIB", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "PIP_CERT"):
        env.pop(var, None)
    return env

