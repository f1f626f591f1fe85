"""The vendor's public demo product, for running the vendor's library side by side in bench/.

Both strings are published in the vendor's own sample app (cryptlex/lexactivator-csharp,
examples/Form1.cs; the same product id is in cryptlex/web-api-activation-examples). They are
not secret: product data holds the product's public key, and the id names the product. With them
the vendor library initialises, checks a license and runs a local trial without any network:
bench/ci.sh still runs it in an empty network namespace where one can be made.
"""

PRODUCT_ID = "bb65d1d9-34a9-4add-9f73-61fc49fc91ed"

PRODUCT_DATA = (
    "REJGOTZEODU4RjBERjQ3MzlGQzdCODAxQzkyQ0Y5QzQ=.BlDqjH29Z2EDwuTk023GzNKUpU1Zry1G+kQLb+Xgzxd"
    "wiPTWNxlvkskMhubJqZChkQSJGF2lEwuP/+PwoOuZTydRCXKAu55AGRYlUlcIeeWKbhI2yWgpIfz6gXcdAXOgtLA"
    "JTmRNrDnieVizaZAcOoDHGQTSUDV2zmcu6vlArDFdTC/SOI33W9LeK2yij5a2kNqItyPn9WFvc++J0LIiAlHmbm+"
    "MCjO415LnrmbiXMjKkC923Q7bm02+pCJXO6lWdWuq/2GrA6hN2iaMfUzdCFZdeDihO7kQwuKerMfXrJW41ADDIqX"
    "UpHzw/zshrCsDfjj17PJF8OWMSeFSvxYlfm0rulvV2CMNyfkl/sAKom/gx2zitoGQwk52EsngWdvujjyRTbWFS60"
    "lghRoX919VFwWnsILPa47g9768s5iOcGwz5wq4RxGZEEXImUJv8qQOqmEVvmeyT05YnmW51o0GmnTKhcLJLv68we"
    "FvN5ctMSA+0RksWxT+xTQcH1omHYzOG2uE+6Ad/nvESTgYqWBmd+ZcMLb11OT+2c4ijqCK5G8vsu7B9vBaR6egGS"
    "vpmP/WOgwqO222SsMmK+vLEKh52kyC04XBJeaz9SPmltYIotvyvDEtCE9xQ7uLFhv/lcwxlNJflLQaOB8/wuMlLC"
    "kMoOIvWw09V14+xYtd8pLqjtkS4rC+y3AxQmCzlJmQwDn1KkO65FBkgi0k7+6KZR4twRjJ7UrVVKhQHtq594FIk4"
    "="
)


def sandbox(cmd):
    """`cmd` wrapped to run the vendor library with no network and a private data store.

    The vendor library keeps its data under the passwd entry's home
    (`~/.local/share/data/bconf/`, not `$HOME`), so runs would see each other's license key and
    trial. As root, each run gets its own network namespace with no interface up (`unshare -n`)
    and a fresh tmpfs over that directory (`unshare -m`). Elsewhere it runs as is: the calls
    bench/ makes are local (checked with strace: no AF_INET socket is opened), and the store is
    shared between runs.
    """
    import os
    import pwd
    import shlex
    import subprocess

    if os.geteuid() != 0:
        return cmd
    data = os.path.join(pwd.getpwuid(os.geteuid()).pw_dir, ".local", "share", "data")
    probe = ["unshare", "-m", "-n", "true"]
    try:
        if subprocess.run(probe, capture_output=True, timeout=10).returncode != 0:
            return cmd
    except (OSError, subprocess.SubprocessError):
        return cmd
    script = (f"mkdir -p {shlex.quote(data)} && mount -t tmpfs -o mode=0755 tmpfs "
              f"{shlex.quote(data)} && exec \"$@\"")
    return ["unshare", "-m", "-n", "sh", "-c", script, "sh"] + list(cmd)
