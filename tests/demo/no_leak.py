#!/usr/bin/env python3
"""scripts/demo.sh leaves nothing behind: no process, no file.

Runs the demo three times, each in its own session with a unique marker in its environment
(which every process it starts inherits) and a private, empty TMPDIR:

  1. to the end (it must pass);
  2. interrupted as Ctrl-C would (SIGINT to the whole process group) once its server is up;
  3. stopped with SIGTERM to the script alone (`kill PID`) once its server is up.

After each run it checks, through /proc, that no process carrying the marker or naming the
run's TMPDIR is still running, and that nothing was left in TMPDIR, /tmp (entries named
openlex*), the user's config directory (~/.config, where the library keeps a second copy of a
local trial), the library's default data directory, or examples-c/build/.

The config directory, the default data directory and /tmp are shared with every other program of
the user, which may write there while the demo runs (other test suites on a shared machine). In
them, what the run itself names must be gone: the local-trial copy the demo reports (the demo
checks it exists where it says) and anything named after its product ids; any other change is a
failure under CI=true (the suite runs alone there) and a printed note otherwise.

Usage: tests/demo/no_leak.py [-- COMMAND...]     (default command: bash scripts/demo.sh)
Environment such as OPENLEX_PROFILE and OPENLEX_DEMO_SANITIZE is passed to the demo.
Linux only (reads /proc). Exits non-zero on the first leak, naming it.
SPDX-License-Identifier: MIT OR Apache-2.0
"""

import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOME = pwd.getpwuid(os.geteuid()).pw_dir  # the library uses the passwd home, not $HOME
MARKER_VAR = "OPENLEX_DEMO_LEAK_MARKER"
RUN_TIMEOUT = 900  # a cold release build of everything fits well inside this


def entry(path):
    """A path's kind, and for a file its mtime. A directory's mtime is left out: it changes when
    a file is made and removed inside it, which is what the demo does with its trial copy."""
    if os.path.isdir(path) and not os.path.islink(path):
        return ("dir", None)
    return ("file", os.lstat(path).st_mtime_ns)


def tree(path):
    """Every path under `path` (itself included) with its entry(); {} if missing."""
    found = {}
    if not os.path.lexists(path):
        return found
    found[path] = entry(path)
    for base, dirs, files in os.walk(path):
        for name in dirs + files:
            p = os.path.join(base, name)
            try:
                found[p] = entry(p)
            except FileNotFoundError:
                pass
    return found


STRICT = os.environ.get("CI") == "true"
SHARED = ("the config directory (local-trial copies)", "the library's default data directory",
          "/tmp openlex*")


def watched_trees():
    """The places outside its temporary directory the demo could leave files in."""
    data_home = os.environ.get("XDG_DATA_HOME")
    if not (data_home and os.path.isabs(data_home)):
        data_home = os.path.join(HOME, ".local", "share")
    return {
        "the config directory (local-trial copies)": os.path.join(HOME, ".config", ".openlex"),
        "the library's default data directory": os.path.join(data_home, "openlex"),
        "examples-c/build": os.path.join(REPO, "examples-c", "build"),
    }


def snapshot():
    state = {label: tree(path) for label, path in watched_trees().items()}
    state["~/.config exists"] = os.path.isdir(os.path.join(HOME, ".config"))
    state["/tmp openlex*"] = sorted(n for n in os.listdir("/tmp") if n.startswith("openlex"))
    return state


def proc_state(pid):
    try:
        with open("/proc/%s/stat" % pid, "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0].decode()
    except (OSError, IndexError):
        return None


def leftover_processes(marker, tmpdir):
    """Running processes (not zombies) that carry `marker` or name `tmpdir` in their command,
    as (pid, description) pairs."""
    needle_env = ("%s=%s" % (MARKER_VAR, marker)).encode()
    needle_cmd = tmpdir.encode()
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/environ" % pid, "rb") as f:
                env = f.read().split(b"\0")
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read()
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if needle_env in env or needle_cmd in cmd:
            state = proc_state(pid)
            if state and state != "Z":
                found.append((int(pid), "pid %s (%s): %s"
                              % (pid, state, cmd.replace(b"\0", b" ").decode(errors="replace"))))
    return found


class Run:
    """One demo run in its own session, its output streamed through and kept."""

    def __init__(self, command):
        self.marker = uuid.uuid4().hex
        self.tmpdir = tempfile.mkdtemp(prefix="demo-leak-test.")
        env = dict(os.environ, TMPDIR=self.tmpdir)
        env[MARKER_VAR] = self.marker
        self.lines = []
        self.server_up = threading.Event()
        self.proc = subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace")
            sys.stdout.write("    | " + line)
            sys.stdout.flush()
            self.lines.append(line)
            if line.startswith("server: https://"):
                self.server_up.set()

    def wait(self):
        try:
            rc = self.proc.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            raise AssertionError("the demo did not finish within %d s" % RUN_TIMEOUT)
        self.reader.join(timeout=10)
        return rc

    def reported(self, label):
        """The values of the demo's `label: VALUE` lines, in order."""
        return [m.group(1) for m in (re.match(r"%s:\s+(\S+)" % re.escape(label), line)
                                     for line in self.lines) if m]

    def product_id(self):
        ids = self.reported("product id")
        return ids[0] if ids else None

    def discard(self):
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def check_nothing_left(run, before):
    problems = []
    procs = leftover_processes(run.marker, run.tmpdir)
    if procs:
        problems.append("processes outlived the demo:\n      " + "\n      ".join(d for _, d in procs))
        for pid, _ in procs:  # reported; now stopped, so that a failing run leaks nothing either
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    left = sorted(os.listdir(run.tmpdir))
    if left:
        problems.append("left in its TMPDIR %s: %s" % (run.tmpdir, left))
    after = snapshot()
    own = run.reported("local-trial copy") + run.reported("product id")
    for label in SHARED:
        for path in (after[label] if isinstance(after[label], dict) else []):
            if any(name in path for name in own) and path not in before[label]:
                problems.append("%s: %s is the run's own and outlived it" % (label, path))
    for label in before:
        if before[label] != after[label]:
            if label in SHARED and not STRICT:
                print("note: %s changed during the run (another program? CI=true counts this): "
                      "%s" % (label, describe(before[label], after[label])), flush=True)
                continue
            problems.append("%s changed: %s" % (label, describe(before[label], after[label])))
    return problems


def describe(before, after):
    """What differs between two snapshots of one watched place."""
    if not isinstance(before, dict):
        return "before %r, after %r" % (before, after)
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(p for p in set(before) & set(after) if before[p] != after[p])
    return "added %s, removed %s, modified %s" % (added, removed, changed)


def scenario(name, command, interrupt=None):
    """Runs the demo (interrupting it with `interrupt` once its server is up) and checks."""
    print("\n--- demo no-leak: %s" % name, flush=True)
    before = snapshot()
    run = Run(command)
    try:
        if interrupt is not None:
            if not run.server_up.wait(timeout=RUN_TIMEOUT):
                raise AssertionError("the demo never reported its server")
            interrupt(run.proc.pid)
        rc = run.wait()
        problems = []
        if interrupt is None and rc != 0:
            problems.append("the demo failed (exit status %d)" % rc)
        if interrupt is not None and rc == 0:
            problems.append("the interrupted demo exited 0")
        if not run.server_up.is_set():
            problems.append("the demo never started its server (nothing was tested)")
        problems += check_nothing_left(run, before)
        if interrupt is None and run.product_id() is None:
            problems.append("the demo printed no product id")
        if interrupt is None and not run.reported("local-trial copy"):
            problems.append("the demo reported no local-trial copy (its cleanup was not exercised)")
        for p in problems:
            print("FAIL: %s: %s" % (name, p), flush=True)
        print("%s: %s (exit status %d)" % ("ok" if not problems else "FAILED", name, rc), flush=True)
        return not problems
    finally:
        if run.proc.poll() is None:
            os.killpg(run.proc.pid, signal.SIGKILL)
            run.proc.wait()
        run.discard()


def main():
    argv = sys.argv[1:]
    if argv and argv[0] == "--":
        argv = argv[1:]
    command = argv or ["bash", "scripts/demo.sh"]
    if not os.path.isdir("/proc/self"):
        print("tests/demo/no_leak.py needs /proc (Linux)", file=sys.stderr)
        return 2
    results = [
        scenario("a full run", command),
        scenario("Ctrl-C (SIGINT to the process group) with the server up", command,
                 lambda pid: os.killpg(pid, signal.SIGINT)),
        scenario("SIGTERM to the script with the server up", command,
                 lambda pid: os.kill(pid, signal.SIGTERM)),
    ]
    passed = sum(results)
    print("\nno-leak: %d passed, %d failed" % (passed, len(results) - passed))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
