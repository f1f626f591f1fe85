#!/usr/bin/env python3
"""docs/MIGRATING.md's license import script works: run it as written against a live
openlex-server (scripts/with-server.sh) on a vendor-shaped export (ISO dates, extra fields),
check what was created, then run it again (every key is already there: 409, skipped).

Usage: scripts/with-server.sh python3 tests/docs/migrating_import.py
SPDX-License-Identifier: MIT OR Apache-2.0
"""

import json
import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Two pages as the vendor's GET /v3/licenses returns them: ISO 8601 dates, fields openlex-server
# does not know (ignored), metadata and meter attributes with extra properties.
EXPORT = [
    [{"id": "v-1", "key": "3A7F21-0C9B44-E1D2F0-7788AB-1C2D3E-4F5A6B", "type": "node-locked",
      "allowedActivations": 3, "allowedDeactivations": -1, "validity": 31536000,
      "expirationStrategy": "immediate", "expiresAt": "2027-01-01T00:00:00Z",
      "createdAt": "2026-01-01T00:00:00.000Z", "suspended": False, "revoked": False,
      "serverSyncInterval": 3600, "tags": ["x"], "disableGeoLocation": False,
      "metadata": [{"key": "plan", "value": "pro", "viewPermissions": []}],
      "meterAttributes": [{"name": "exports", "allowedUses": 100, "floating": False}]}],
    [{"id": "v-2", "key": "B0B0B0-111111-222222-333333-444444-555555", "type": "node-locked",
      "allowedActivations": 1, "expiresAt": None, "effectiveDate": "2026-02-03T04:05:06+00:00",
      "suspended": True, "metadata": None, "meterAttributes": []}],
]


def script():
    text = open(os.path.join(REPO, "docs", "MIGRATING.md")).read()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1, "expected one python block in docs/MIGRATING.md, found %d" % len(blocks)
    return blocks[0]


def srv(*args):
    return subprocess.run([os.environ["OPENLEX_SERVER_BIN"], "--data-dir", os.environ["OPENLEX_SERVER_DIR"], *args],
                          check=True, capture_output=True, text=True).stdout


def main():
    product = json.loads(srv("product", "create", "--name", "migrated", "--json"))
    code = script()
    with tempfile.TemporaryDirectory() as work:
        for i, page in enumerate(EXPORT, 1):
            with open(os.path.join(work, "vendor-licenses-%d.json" % i), "w") as f:
                json.dump(page, f)
        env = dict(os.environ, OPENLEX_URL=os.environ["OPENLEX_SERVER_URL"],
                   OPENLEX_PRODUCT_ID=product["id"])
        first = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True)
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip() == "created 2, already there 0", first.stdout
        again = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
        assert again.stdout.strip() == "created 0, already there 2", again.stdout

    licenses = {l["key"]: l for l in json.loads(srv("license", "list", "--product-id", product["id"], "--json"))}
    assert sorted(licenses) == sorted(page[0]["key"] for page in EXPORT), sorted(licenses)
    a = licenses["3A7F21-0C9B44-E1D2F0-7788AB-1C2D3E-4F5A6B"]
    assert a["allowedActivations"] == 3 and a["validity"] == 31536000, a
    assert a["expiresAt"] == 1798761600, a["expiresAt"]  # 2027-01-01T00:00:00Z
    assert [(m["key"], m["value"]) for m in a["metadata"]] == [("plan", "pro")], a["metadata"]
    assert [(m["name"], m["allowedUses"]) for m in a["meterAttributes"]] == [("exports", 100)], a["meterAttributes"]
    b = licenses["B0B0B0-111111-222222-333333-444444-555555"]
    assert b["suspended"] is True and b["allowedActivations"] == 1, b
    assert b["effectiveDate"] == 1770091506, b["effectiveDate"]  # 2026-02-03T04:05:06Z
    print("docs/MIGRATING.md import script: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
