"""Every benchmark starts the way docs/benchmarks.md says to run it: `.venv/bin/python bench/<script>.py`.

Only `--help`: the benchmarks themselves are run by hand or by `make bench`, never timed in tests;
this catches a script that no longer imports when run as a script.
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
