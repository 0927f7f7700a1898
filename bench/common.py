"""Shared by the bench scripts: run a command, measure its wall time and its own peak memory."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GNU_TIME = shutil.which("time") or "/usr/bin/time"


@dataclass
class Measured:
    seconds: float
    peak_mb: float
    returncode: int
    cpu_seconds: float = 0.0  # user + system time of the command: steadier than wall time on a busy machine


def measure(args: list[str]) -> Measured:
    """Wall time, and the peak RSS of the command itself as GNU time reports it.

    Not os.wait4 on our own child: a child forked from this (large) benchmark process
    inherits its resident pages, and its high-water mark says more about us than about it.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        start = time.perf_counter()
        proc = subprocess.run(
            [GNU_TIME, "-f", "%U %S %M", "-o", report.name, *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        seconds = time.perf_counter() - start
        user, system, peak_kb = report.read().strip().splitlines()[-1].split()
    return Measured(seconds, int(peak_kb) / 1024, proc.returncode, float(user) + float(system))
