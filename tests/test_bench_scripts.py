"""Every benchmark starts the way docs/benchmarks.md says to run it: `.venv/bin/python bench/<script>.py`,
and runs to its end on a tiny input.

Nothing is timed here (the benchmarks are run by hand or by `make bench`): this catches a script
that no longer imports when run as a script, or whose code no longer fits the code it measures
(bench_auth.py once stopped at start-up for a whole session, unnoticed).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import DOCS, ROOT

SCRIPTS = sorted((ROOT / "bench").glob("bench_*.py"))


def test_every_script_is_documented_and_run_by_make_bench() -> None:
    documented = (DOCS / "benchmarks.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run_by_make = makefile.split("for b in ", 1)[1].split(";", 1)[0].split()  # the `bench` target's loop
    assert len(SCRIPTS) >= 8
    for script in SCRIPTS:
        assert f"bench/{script.name}" in documented, script.name
        assert script.stem.removeprefix("bench_") in run_by_make, script.name


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_the_script_starts_as_documented(script: Path) -> None:
    result = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


# Each script on the smallest input that still goes through every stage, and a line it prints last.
TINY = {
    "bench_grading": (["-n", "2000", "--repeat", "1", "--single", "200"], "grade(): parse + rules + explain"),
    "bench_decisions": (["--n", "300"], "gradegate reviewers (whole process)"),
    "bench_report": (["-n", "500"], "peak memory"),
    "bench_tables": (["-n", "2000", "--repeat", "1", "--single", "100"], "ratio decide / bare I/O"),
    "bench_replay": (["--sizes", "500"], "publish → served on the serving host"),
    "bench_http": (["--seconds", "0.5"], "one per 200 answered: True"),
    "bench_auth": (["--seconds", "0.5", "--flood", "100"], "pacing off:"),
    # In process only: the HTTP stage needs Debian's wrk, which `make bench` installs.
    "bench_peer": (["--records", "200", "--random", "200", "--batch", "1000", "--rounds", "1", "--no-http"],
                   "batch, 1,000 records in process"),
}  # fmt: skip


def test_every_script_has_a_tiny_run() -> None:
    assert set(TINY) == {script.stem for script in SCRIPTS}


@pytest.mark.parametrize("name", sorted(TINY))
def test_the_script_runs_to_its_end_on_a_tiny_input(name: str, tmp_path: Path) -> None:
    args, last_words = TINY[name]
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / f"{name}.py"), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # as documented from the checkout, but nothing may depend on it: run elsewhere
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert last_words in result.stdout, result.stdout[-2000:]
