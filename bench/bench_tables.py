"""Decision-table speed: single records through durable_rules, and `gradegate decide` on a large
CSV against bare pandas I/O of the same file, with peak memory as the file grows.

    .venv/bin/python bench/bench_tables.py                # 1,000,000 rows
    .venv/bin/python bench/bench_tables.py -n 200000      # quicker

Targets (issue 9): ≥ 10,000 single decisions/s on one thread; `gradegate decide` ≤ 1.5× a bare
pandas read_csv + to_csv of the same file (both fresh processes, measured in one run); peak
memory flat as the file grows (the half-size file is measured too).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, measure
from gradegate.scoring import load_rulesets

BARE_IO = "import pandas as pd, sys; pd.read_csv(sys.argv[1]).to_csv(sys.argv[2], index=False)"
SPELLINGS = np.array(["true", "false", "是", "否", "Yes", "no", "1", "0"])


def records(n: int, seed: int = 7) -> pd.DataFrame:
    """project_class records: amounts around the 5,000,000 limit, some with thousands separators,
    booleans in every spelling, one row in a thousand refused (a negative amount)."""
    rng = np.random.default_rng(seed)
    amounts = rng.choice([99_999.99, 4_999_999, 5_000_000, 12_000_000], n) * rng.uniform(0.5, 1.5, n).round(2)
    text = amounts.round(2).astype(str)
    commas = rng.random(n) < 0.3
    text[commas] = [f"{a:,.2f}" for a in amounts[commas]]
    text[rng.random(n) < 0.001] = "-1"
    return pd.DataFrame(
        {
            "project_id": [f"PC{i:08d}" for i in range(n)],
            "amount_rmb": text,
            "has_precedent": SPELLINGS[rng.integers(0, len(SPELLINGS), n)],
            "needs_rnd_change": SPELLINGS[rng.integers(0, len(SPELLINGS), n)],
        }
    )


def single(count: int) -> None:
    rulesets = load_rulesets()
    try:
        frame = records(2_000, seed=3)
        rows = frame.to_dict(orient="records")
        rows = [r for r in rows if r["amount_rmb"] != "-1"]
        for name, table in rulesets.tables.items():
            sample = rows if name == "project_class" else _other(name, len(rows))
            table.decide(sample[0])  # compile
            rates = []
            for _ in range(3):
                start = time.perf_counter()
                for i in range(count):
                    table.decide(sample[i % len(sample)])
                rates.append(count / (time.perf_counter() - start))
            print(f"single {name:<14} {statistics.median(rates):>9,.0f} decisions/s (median of 3 × {count:,}; "
                  "target ≥ 10,000)")  # fmt: skip
    finally:
        rulesets.close()


def _other(name: str, n: int) -> list[dict[str, object]]:
    rng = np.random.default_rng(5)
    if name == "price_review":
        return [{"quote_id": f"Q{i}", "quote_rmb": float(q)} for i, q in enumerate(rng.uniform(0, 300_000, n).round(2))]
    return [
        {"project_id": f"K{i}", "budget_rmb": float(b), "industry_need": bool(b % 2), "has_sample": "是"}
        for i, b in enumerate(rng.integers(0, 2_000_000, n))
    ]


def batch(n: int, workdir: Path, repeat: int) -> None:
    for size in (n // 2, n):
        source = workdir / f"records_{size}.csv"
        t = time.perf_counter()
        records(size).to_csv(source, index=False)
        print(f"generated {size:,} records ({source.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
        ratios = []
        for i in range(repeat):
            bare = measure([str(BIN / "python"), "-c", BARE_IO, str(source), str(workdir / "bare.csv")])
            out = workdir / "decided.csv"
            run = measure([str(BIN / "gradegate"), "decide", "project_class", str(source), "-o", str(out)])
            if run.returncode not in (0, 3):
                raise SystemExit(f"gradegate decide failed with exit code {run.returncode}")
            ratios.append(run.seconds / bare.seconds)
            print(f"  run {i + 1}: bare pandas read_csv + to_csv {bare.seconds:6.2f} s (peak {bare.peak_mb:,.0f} MB)"
                  f" · gradegate decide {run.seconds:6.2f} s ({size / run.seconds:>9,.0f} rows/s, "
                  f"peak {run.peak_mb:,.0f} MB) · ratio {ratios[-1]:.2f}")  # fmt: skip
        print(f"  ratio decide / bare I/O, median of {repeat}: {statistics.median(ratios):.2f} (target ≤ 1.5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1_000_000, help="rows of the large CSV")
    parser.add_argument("--repeat", type=int, default=3, help="alternating pairs per size")
    parser.add_argument("--single", type=int, default=30_000, help="single decisions per measurement")
    args = parser.parse_args()
    single(args.single)
    with tempfile.TemporaryDirectory() as tmp:
        batch(args.n, Path(tmp), args.repeat)


if __name__ == "__main__":
    main()
