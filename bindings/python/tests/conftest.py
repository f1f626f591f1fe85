"""Shared fixtures: the library under test and a live openlex-server.

Run under scripts/with-server.sh, which exports OPENLEX_SERVER_URL, OPENLEX_SERVER_DIR,
OPENLEX_SERVER_BIN, OPENLEX_ADMIN_TOKEN, SSL_CERT_FILE and OPENLEX_LIB_DIR. Without a server,
server tests are skipped, unless OPENLEX_REQUIRE_SERVER=1 (ci.sh) makes that an error.
"""

import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PKG_ROOT = os.path.dirname(HERE)
REPO_ROOT = os.path.dirname(os.path.dirname(PKG_ROOT))
sys.path.insert(0, PKG_ROOT)

# Point the binding at the library under test before it is first loaded.
if not os.environ.get("OPENLEX_LIBRARY"):
    lib_dir = os.environ.get("OPENLEX_LIB_DIR") or os.path.join(REPO_ROOT, "target", "debug")
    os.environ["OPENLEX_LIBRARY"] = os.path.join(lib_dir, "libLexActivator.so")

from openlex import LexActivator, PermissionFlags  # noqa: E402


class Server:
    """A running openlex-server (admin API over HTTPS, plus its CLI)."""

    def __init__(self):
        self.url = os.environ["OPENLEX_SERVER_URL"]
        self.dir = os.environ["OPENLEX_SERVER_DIR"]
        self.bin = os.environ["OPENLEX_SERVER_BIN"]
        self.token = os.environ["OPENLEX_ADMIN_TOKEN"]
        self.ssl = ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE"))
        self._n = 0

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + self.token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, context=self.ssl, timeout=180) as resp:
                text = resp.read().decode()
                return resp.status, (json.loads(text) if text.strip() else None)
        except urllib.error.HTTPError as err:
            text = err.read().decode()
            try:
                return err.code, json.loads(text)
            except ValueError:
                return err.code, text

    def cli(self, *args):
        out = subprocess.run([self.bin, "--data-dir", self.dir] + list(args) + ["--json"],
                             check=True, capture_output=True, text=True)
        return json.loads(out.stdout)

    def unique(self, name):
        self._n += 1
        return "%s-%d-%d" % (name, os.getpid(), self._n)

    def product(self, name="py", **extra):
        """Creates a product through the admin API; returns (id, productData)."""
        body = {"name": self.unique(name), "displayName": name, "description": "python binding tests"}
        body.update(extra)
        status, v = self.admin("POST", "/v3/products", body)
        assert status < 300, (status, v)
        return v["id"], v["productData"]

    def license(self, product_id, **extra):
        """Creates a license through the admin API; returns (id, key)."""
        body = {"productId": product_id}
        body.update(extra)
        status, v = self.admin("POST", "/v3/licenses", body)
        assert status < 300, (status, v)
        return v["id"], v["key"]


@pytest.fixture(scope="session")
def server():
    if not os.environ.get("OPENLEX_SERVER_URL"):
        if os.environ.get("OPENLEX_REQUIRE_SERVER") == "1":
            pytest.fail("OPENLEX_SERVER_URL not set; run under scripts/with-server.sh")
        pytest.skip("no openlex-server (run under scripts/with-server.sh)")
    return Server()


class Callbacks:
    """Records statuses delivered to the license callback (one global slot in the library)."""

    def __init__(self):
        self.seen = []
        self.cond = threading.Condition()
        self.keys_read = []

    def __call__(self, status):
        # Getters must work from inside the callback.
        try:
            self.keys_read.append(LexActivator.GetLicenseKey())
        except Exception as exc:  # pragma: no cover - recorded for the assertion
            self.keys_read.append(exc)
        with self.cond:
            self.seen.append(status)
            self.cond.notify_all()

    def clear(self):
        with self.cond:
            self.seen.clear()

    def wait_for(self, status, timeout=180):
        deadline = time.time() + timeout
        with self.cond:
            while status not in self.seen:
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError("callback status %d not seen; got %r" % (status, self.seen))
                self.cond.wait(left)


CALLBACKS = Callbacks()


@pytest.fixture
def callbacks():
    CALLBACKS.clear()
    return CALLBACKS


class Product:
    def __init__(self, server, product_id, product_data, data_dir):
        self.server = server
        self.id = product_id
        self.data = product_data
        self.data_dir = data_dir

    def license(self, **extra):
        return self.server.license(self.id, **extra)


@pytest.fixture(scope="session")
def shared_product(server):
    """One product for the session (creating a product generates an RSA key: slow in debug builds)."""
    return server.product("py", metadata=[{"key": "edition", "value": "pro"}])


@pytest.fixture
def product(server, shared_product, tmp_path):
    """The session's product, with the library set up for it on a fresh, empty data directory
    (a fresh "device" as far as stored activations go)."""
    return setup_library(server, shared_product, tmp_path)


def setup_library(server, product_id_and_data, tmp_path):
    pid, pdata = product_id_and_data
    data_dir = tempfile.mkdtemp(dir=str(tmp_path))
    LexActivator.SetDataDirectory(data_dir)
    LexActivator.SetProductData(pdata)
    LexActivator.SetProductId(pid, PermissionFlags.LA_USER)
    LexActivator.SetCryptlexHost(server.url)
    return Product(server, pid, pdata, data_dir)
