"""Grading speed: batch (`gradegate grade` vs bare pandas I/O) and single records (durable_rules).

    .venv/bin/python bench/bench_grading.py            # 1,000,000 projects
    .venv/bin/python bench/bench_grading.py -n 200000  # quicker

Prints rows/s, peak memory and the ratio to a bare pandas read_csv + to_csv of
the same file (both measured as fresh processes, interpreter start included),
then single-record grades per second through the durable_rules path.
Targets (issue 2): ratio ≤ 1.5, peak < 2.5 GB, ≥ 5,000 single grades/s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, measure
from data.make_sample_projects import generate

BARE_IO = "import pandas as pd, sys; pd.read_csv(sys.argv[1]).to_csv(sys.argv[2], index=False)"


def batch(n: int, workdir: Path, repeat: int) -> None:
    source = workdir / "projects.csv"
    t = time.perf_counter()
    generate(n, seed=11, clean=True).to_csv(source, index=False)
    print(f"generated {n:,} projects ({source.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
    ratios = []
    # Alternating pairs: the machine's load drifts, a ratio inside one pair is what compares.
    for i in range(repeat):
        bare = measure([str(BIN / "python"), "-c", BARE_IO, str(source), str(workdir / "bare.csv")])
        graded = measure([str(BIN / "gradegate"), "grade", str(source), "-o", str(workdir / "graded.csv")])
        if graded.returncode != 0:
            raise SystemExit(f"gradegate grade failed with exit code {graded.returncode}")
        ratios.append(graded.seconds / bare.seconds)
        print(f"run {i + 1}: bare pandas read_csv + to_csv {bare.seconds:6.2f} s "
              f"({n / bare.seconds:>9,.0f} rows/s, peak {bare.peak_mb:,.0f} MB) · gradegate grade "
              f"{graded.seconds:6.2f} s ({n / graded.seconds:>9,.0f} rows/s, peak {graded.peak_mb:,.0f} MB) "
              f"· ratio {ratios[-1]:.2f}")  # fmt: skip
    print(f"ratio grade / bare I/O, median of {repeat}: {statistics.median(ratios):.2f}  "
          "(target ≤ 1.5; peak target < 2,500 MB)")  # fmt: skip


def single(count: int) -> None:
    from gradegate.scoring.rulesets import load_rulesets

    grading = load_rulesets().grading
    records = generate(2_000, seed=5, clean=True).astype(str).to_dict(orient="records")
    records = [{k: v for k, v in r.items() if v not in ("None", "nan")} for r in records]
    projects = [grading.parser.parse(r) for r in records]
    for p in projects[:100]:
        grading.grader.matches(p)  # warm up
    t = time.perf_counter()
    for i in range(count):
        grading.grader.matches(projects[i % len(projects)])
    engine_s = time.perf_counter() - t
    t = time.perf_counter()
    for i in range(count):
        grading.grade(records[i % len(records)])
    full_s = time.perf_counter() - t
    print(f"durable_rules evaluation only : {count / engine_s:>8,.0f} grades/s  {engine_s / count * 1e6:6.0f} µs/grade")
    print(f"grade(): parse + rules + explain: {count / full_s:>6,.0f} grades/s  {full_s / count * 1e6:6.0f} µs/grade"
          "  (target ≥ 5,000/s)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="projects in the batch file")
    parser.add_argument("--repeat", type=int, default=3, help="alternating bare/grade pairs")
    parser.add_argument("--single", type=int, default=20_000, help="single-record grades to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gradegate-bench-") as tmp:
        batch(args.n, Path(tmp), args.repeat)
    single(args.single)


if __name__ == "__main__":
    main()
