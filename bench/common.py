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


def cpu_stalls(seconds: float = 3.0) -> str:
    """How steady the CPU is right now: one fixed unit of pure-Python work, timed back to back.

    On the shared VMs here a core now and then runs 5–25× slower for tens of milliseconds,
    with nothing else running (a hypervisor's doing: no other process, no page fault, no
    context switch shows it). Every request in flight waits through such a stall, so the
    p99 of a loopback benchmark mostly measures them; printed beside latencies, it tells
    a quiet machine from a lucky one.
    """
    units: list[float] = []
    end = time.perf_counter() + seconds
    while (start := time.perf_counter()) < end:
        total = 0
        for i in range(2_000):
            total += i * i
        units.append(time.perf_counter() - start)
    typical = sorted(units)[len(units) // 2]
    slow = [u for u in units if u > 3 * typical]
    share = sum(slow) / sum(units)
    longest = max(units) * 1e3
    return f"{share:.1%} of the time at ≥ 3× slower than usual, longest unit {longest:.1f} ms ({len(slow)} units)"
