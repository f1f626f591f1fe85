"""The package builds as a wheel, optionally bundling the library, and works once installed.

Builds in a throwaway virtualenv (pip fetches setuptools for the isolated build), so it is
opt-in: set OPENLEX_TEST_PACKAGING=1 (ci.sh does).
"""

import os
import subprocess
import sys
import zipfile

import pytest

from conftest import PKG_ROOT

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
