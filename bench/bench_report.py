"""Benchmark: the whole portfolio report (HTML + Excel + CSV) of a large portfolio.

    .venv/bin/python bench/bench_report.py            # 100,000 projects
    .venv/bin/python bench/bench_report.py -n 20000

Generates the portfolio with data/make_portfolio.py (cached in a temp folder
per size), then times each phase — read, grade, gate status, summaries,
render, write — and reports CPU time and peak memory (ru_maxrss of the
process and of the child that writes the workbook).
Targets (issue 5): under 60 s and under 3 GB for 100,000 projects.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS, TARGET_GB = 60.0, 3.0


WHO = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)


def cpu_seconds() -> float:
    return sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage, WHO))


def generator():
    spec = importlib.util.spec_from_file_location("make_portfolio", ROOT / "data" / "make_portfolio.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100_000)
    args = parser.parse_args()
    from gradegate.reports.build import build_report
    from gradegate.reports.outputs import write_report
    from gradegate.scoring.rulesets import load_rulesets
    from gradegate.scoring.tabular import read_table

    work = Path(tempfile.gettempdir()) / "gradegate-bench"
    source = work / f"portfolio_{args.n}.csv"
    if not source.exists():
        started = time.perf_counter()
        generator().write_portfolio(source, args.n)
        print(f"generated {source} in {time.perf_counter() - started:.1f} s (not timed below)")
    rulesets = load_rulesets()
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    frame = read_table(source)
    read_s = time.perf_counter() - started
    report = build_report(frame, rulesets.grading, rulesets.gates, source=str(source))
    write_report(report, work / f"report_{args.n}")
    total = time.perf_counter() - started
    # The workbook is written by a forked child: its CPU time and memory count too.
    peak_gb = max(resource.getrusage(who).ru_maxrss for who in WHO) / 1024 / 1024  # Linux: KiB
    cpu = cpu_seconds() - cpu_before
    print(f"portfolio report: {args.n:,} projects ({report.graded:,} graded, {report.rejected:,} rejected)")
    for phase, seconds in {"read": read_s, **report.timings}.items():
        print(f"  {phase:<12} {seconds:7.2f} s")
    print(f"  {'total':<12} {total:7.2f} s   (target < {TARGET_SECONDS:.0f} s)")
    # On a shared machine wall time includes waiting for a core; CPU time is what the report itself costs.
    print(f"  cpu time     {cpu:7.2f} s   (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"  peak memory  {peak_gb:7.2f} GB  (target < {TARGET_GB:.0f} GB)")
    sizes = {p.name: p.stat().st_size for p in (work / f"report_{args.n}").glob("report.*")}
    print("  outputs      " + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sorted(sizes.items())))
    return 0 if total < TARGET_SECONDS and peak_gb < TARGET_GB else 1


if __name__ == "__main__":
    sys.exit(main())
