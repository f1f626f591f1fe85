"""PEP 517 backend: setuptools.build_meta, plus optional bundling of the native library.

    OPENLEX_BUNDLE_LIB=/path/to/libLexActivator.so python -m build --wheel

copies the file into openlex/libs/ for the duration of the build and gives the wheel a
platform tag (py3-none-<platform>), since it then contains a native library. Without the
variable the wheel is pure Python (py3-none-any) and finds the library at run time.
"""

import os
import shutil
import sysconfig

from setuptools import build_meta as _orig
from setuptools.build_meta import *  # noqa: F401,F403  (re-export every hook)

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
            plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
            opts = config_settings.get("--build-option", [])
            if isinstance(opts, str):
                opts = [opts]
            config_settings["--build-option"] = list(opts) + ["--plat-name", plat]
        return _orig.build_wheel(wheel_directory, config_settings, metadata_directory)
    finally:
        if copied:
            os.remove(copied)
        _clean()
