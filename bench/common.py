"""Shared by the bench scripts: run a command and measure its wall time and peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Measured:
    seconds: float
    peak_mb: float
    returncode: int


def measure(args: list[str], **kwargs) -> Measured:
    """Wall time and the child's own peak RSS (os.wait4: this child only, not earlier ones)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr is not None:
        proc.stderr.close()
    return Measured(seconds, usage.ru_maxrss / 1024, proc.returncode)
