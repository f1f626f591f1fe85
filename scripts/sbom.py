#!/usr/bin/env python3
"""Writes a CycloneDX 1.5 JSON bill of materials for the LexActivator library to stdout.

    cargo metadata --format-version 1 --offline --locked > meta.json
    scripts/sbom.py meta.json VERSION > sbom.cdx.json

Components: every crate the root package (the library) depends on through normal dependencies,
transitively, for any target platform (build and dev dependencies are not shipped). Each has
its name, version, Package URL, license expression and source. The output is deterministic (no
timestamp; the serial number derives from the content) so rebuilding a release reproduces it.
"""

import json
import sys
import uuid


def purl(pkg):
    return "pkg:cargo/%s@%s" % (pkg["name"], pkg["version"])


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: sbom.py CARGO_METADATA_JSON VERSION\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        meta = json.load(f)
    version = argv[2]
    packages = {p["id"]: p for p in meta["packages"]}
    resolve = meta.get("resolve") or {}
    root = resolve.get("root")
    if not root:
        sys.stderr.write("sbom.py: cargo metadata has no root package (run it at the repository root)\n")
        return 1
    nodes = {n["id"]: n for n in resolve["nodes"]}

    def normal_deps(node_id):
        for dep in nodes[node_id]["deps"]:
            if any(k.get("kind") is None for k in dep["dep_kinds"]):
                yield dep["pkg"]

    reached, todo = set(), [root]
    while todo:
        node_id = todo.pop()
        for dep in normal_deps(node_id):
            if dep not in reached:
                reached.add(dep)
                todo.append(dep)

    components = []
    for pid in sorted(reached, key=lambda i: (packages[i]["name"], packages[i]["version"])):
        p = packages[pid]
        c = {"type": "library", "bom-ref": purl(p), "name": p["name"], "version": p["version"], "purl": purl(p)}
        if p.get("license"):
            c["licenses"] = [{"expression": p["license"]}]
        if p.get("description"):
            c["description"] = p["description"].strip()
        src = p.get("source") or ""
        c["externalReferences"] = [{"type": "distribution", "url": src}] if src.startswith("registry+") else []
        if not c["externalReferences"]:
            del c["externalReferences"]
        components.append(c)

    rootpkg = packages[root]
    dependencies = [{"ref": purl(packages[n]), "dependsOn": sorted({purl(packages[d]) for d in normal_deps(n)})}
                    for n in sorted(reached | {root}, key=lambda i: purl(packages[i]))]
    body = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "tools": {"components": [{"type": "application", "name": "openlex scripts/sbom.py"}]},
            "component": {"type": "library", "bom-ref": purl(rootpkg), "name": "LexActivator (OpenLex)",
                          "version": version, "purl": purl(rootpkg),
                          "licenses": [{"expression": rootpkg.get("license") or "MIT OR Apache-2.0"}]},
        },
        "components": components,
        "dependencies": dependencies,
    }
    serial = uuid.uuid5(uuid.NAMESPACE_URL, json.dumps(body, sort_keys=True))
    out = {"bomFormat": body.pop("bomFormat"), "specVersion": body.pop("specVersion"),
           "serialNumber": "urn:uuid:%s" % serial}
    out.update(body)
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
