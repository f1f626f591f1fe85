#!/usr/bin/env python3
"""scripts/test.sh's options: --list/--help name every stage, --only/--skip select the right
ones (checked with --dry-run, and once for real with the cheap toolchain stage), and bad
arguments fail with status 2 and a message that names the stages.

Usage: python3 tests/scripts/test_options.py      (the last line is "N passed, M failed")
SPDX-License-Identifier: MIT OR Apache-2.0
"""

import os
import re
import subprocess
import sys
import traceback

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, "scripts", "test.sh")


def declared_stages():
    """Stage names in the order scripts/test.sh declares them (its `stage NAME ...` lines)."""
    with open(SCRIPT) as f:
        text = f.read()
    body = text[text.index("stages() {"):]
    body = body[:body.index("\n}\n")]
    return re.findall(r"^\s*stage\s+([a-z0-9-]+)\s", body, flags=re.M)


STAGES = declared_stages()


def run(*args, timeout=60):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    return subprocess.run(["bash", SCRIPT, *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=timeout)


def dry_run(*args):
    """{stage: "run" | "skip"} from --dry-run."""
    p = run("--dry-run", *args)
    assert p.returncode == 0, (p.returncode, p.stderr)
    plan = {}
    for line in p.stdout.splitlines():
        m = re.match(r"(run|skip):\s+(\S+)$", line)
        assert m, "unexpected --dry-run line: %r" % line
        plan[m.group(2)] = m.group(1)
    assert list(plan) == STAGES, "--dry-run lists %s, test.sh declares %s" % (list(plan), STAGES)
    return plan


def running(plan):
    return [name for name in STAGES if plan[name] == "run"]


def test_stages_are_declared():
    assert len(STAGES) >= 10, STAGES
    assert len(set(STAGES)) == len(STAGES), "a stage name is declared twice: %s" % STAGES
    for name in ("toolchain", "lint", "build", "rust", "c", "demo", "python", "go", "dotnet"):
        assert name in STAGES, name


def test_help_and_list_name_every_stage_in_order():
    for flag in ("--help", "-h", "--list"):
        p = run(flag)
        assert p.returncode == 0, (flag, p.stderr)
        listed = re.findall(r"^  ([a-z0-9-]+)\s+\S", p.stdout, flags=re.M)
        listed = [n for n in listed if not n.startswith("-")]
        assert listed == STAGES, (flag, listed)
    assert "--only STAGE" in run("--help").stdout and "--skip STAGE" in run("--help").stdout


def test_no_option_runs_everything():
    assert running(dry_run()) == STAGES


def test_only_one_stage():
    assert running(dry_run("--only", "demo")) == ["demo"]
    assert running(dry_run("--only=python")) == ["python"]


def test_only_repeated_and_comma_list_keep_the_suite_order():
    expected = [n for n in STAGES if n in ("c", "demo", "go")]
    assert running(dry_run("--only", "go", "--only", "c", "--only", "demo")) == expected
    assert running(dry_run("--only", "demo,go,c")) == expected


def test_skip():
    assert running(dry_run("--skip", "fuzz", "--skip=platforms")) == \
        [n for n in STAGES if n not in ("fuzz", "platforms")]
    assert running(dry_run("--skip", "fuzz,bench")) == [n for n in STAGES if n not in ("fuzz", "bench")]


def test_skip_applies_after_only():
    assert running(dry_run("--only", "c,demo", "--skip", "c")) == ["demo"]
    assert running(dry_run("--only", "c", "--skip", "c")) == []


def test_unknown_stage_is_an_error_that_lists_the_stages():
    for args in (("--only", "nope"), ("--skip", "nope"), ("--only=c,nope",)):
        p = run(*args)
        assert p.returncode == 2, (args, p.returncode)
        assert "unknown stage 'nope'" in p.stderr, p.stderr
        for name in STAGES:
            assert name in p.stderr, (name, p.stderr)
        assert "==>" not in p.stdout, "a stage ran after a bad argument"


def test_missing_value_and_unknown_argument_are_errors():
    for args in (("--only",), ("--skip",), ("--only=",), ("--frobnicate",)):
        p = run(*args)
        assert p.returncode == 2, (args, p.returncode, p.stderr)
        assert p.stderr.strip(), args
        assert "==>" not in p.stdout, args


def test_nothing_selected_is_an_error():
    p = run("--only", "c", "--skip", "c")
    assert p.returncode == 2, p.returncode
    assert "no stage selected" in p.stderr, p.stderr


def test_a_real_run_of_one_stage_runs_only_that_stage():
    p = run("--only", "toolchain", timeout=600)
    assert p.returncode == 0, (p.stdout[-2000:], p.stderr[-2000:])
    headers = re.findall(r"^==> \[([a-z0-9-]+)\]", p.stdout, flags=re.M)
    assert headers == ["toolchain"], headers
    assert re.search(r"^  toolchain\s+\d+ s$", p.stdout, flags=re.M), p.stdout
    assert "all 1 selected stages passed" in p.stdout, p.stdout


def main():
    tests = [(name, fn) for name, fn in sorted(globals().items())
             if name.startswith("test_") and callable(fn)]
    failed = 0
    for name, fn in tests:
        try:
            fn()
            print("ok   " + name)
        except Exception:  # noqa: BLE001 - report every failure, then fail the run
            failed += 1
            print("FAIL " + name)
            traceback.print_exc()
    print("%d passed, %d failed" % (len(tests) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
