"""Gate checks and reviewer selections per second, one thread, over the CLI's batch path.

    .venv/bin/python bench/bench_decisions.py [--n 20000]

Generates N requests of each kind (fixed seed), runs them through the
JSON-lines runner exactly as `gradegate gate-check` / `gradegate reviewers`
do (decode, validate, durable_rules, pick, encode), and prints decisions per
second and µs per decision; then the rule engine alone on the same requests,
so the share of the engine is visible. Target: ≥ 5,000 decisions/s each.
Wall-clock figures on a shared 2-core machine move by ±30 % and more when other
jobs run; the CPU-time figures (process time of this one thread) are steadier.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gradegate.scoring.gates.model import STATUSES
from gradegate.scoring.jsonl import BatchCounts, run_lines
from gradegate.scoring.rulesets import load_rulesets

ROOT = Path(__file__).resolve().parent.parent


def gate_lines(n: int, rng: random.Random, rulesets: Any) -> list[str]:
    """Projects as a portfolio holds them: most earlier gates passed, most papers approved."""
    rules, order = rulesets.gates.rules, rulesets.gates.gate_order
    spellings = [*STATUSES, *STATUSES.values()]
    out = []
    for i in range(n):
        k = rng.randrange(len(order))
        statuses = {d: rng.choices(spellings, weights=(5, 10, 15, 70, 1, 2, 3, 14))[0] for d in rules.deliverables}
        request = {
            "project_id": f"P{i:06d}",
            "gate": order[k],
            "level": rng.choice(["company", "office", "公司级", "办事处级"]),
            "flags": {f: rng.random() < 0.3 for f in rules.flags},
            "passed_gates": [g for g in order[:k] if rng.random() < 0.9],
            "deliverables": dict(rng.sample(sorted(statuses.items()), rng.randint(10, len(statuses)))),
        }
        out.append(json.dumps(request, ensure_ascii=False))
    return out


def reviewer_lines(n: int, rng: random.Random, rulesets: Any) -> list[str]:
    rules = rulesets.reviewers.rules
    out = []
    for i in range(n):
        kind = rng.choice(["order", "contract"])
        req: dict[str, Any] = {
            "kind": kind,
            "id": f"D{i:06d}",
            "amount_rmb": rng.choice([50_000, 800_000, 4_999_999, 5_000_000, 30_000_000]),
            "clauses": rng.sample(sorted(rules.clauses), rng.randint(1, 4)),
            "submitter": f"E{rng.randint(1, 64):03d}",
            "region": rng.choice(["华北地区部", "华东地区部", "华南地区部", "西南地区部", "西北地区部"]),
            "product_lines": rng.sample(["机顶盒", "宽带", "前端系统", "CA系统"], rng.randint(0, 2)),
            "disagreement": rng.random() < 0.2,
            "high_risk": rng.random() < 0.2,
        }
        if kind == "order":
            req["contract_id"] = f"C{i:06d}"
        else:
            req["contract_type"] = rng.choice(sorted(rules.contract_types))
        out.append(json.dumps(req, ensure_ascii=False))
    return out


def timed(label: str, lines: list[str], decide: Callable[[dict[str, Any]], Any]) -> None:
    list(run_lines(lines[:200], decide))  # warm-up: compile the rulesets, fill caches
    counts = BatchCounts()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in run_lines(lines, decide, counts):
        pass
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert counts.invalid == 0, f"{counts.invalid} generated requests were refused"
    print(
        f"{label:<34} {counts.read / wall:>9,.0f} /s   {wall / counts.read * 1e6:>7.1f} µs per decision"
        f"   (CPU: {counts.read / cpu:,.0f} /s, {cpu / counts.read * 1e6:.1f} µs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="requests of each kind (default 20,000)")
    args = parser.parse_args()
    rng = random.Random(7)
    rulesets = load_rulesets(ROOT / "rules")
    gates, grading, reviewers = rulesets.gates, rulesets.grading, rulesets.reviewers
    roster = reviewers.load_roster(ROOT / "data" / "experts.csv")
    g_lines = gate_lines(args.n, rng, rulesets)
    r_lines = reviewer_lines(args.n, rng, rulesets)
    print(f"{args.n:,} requests of each kind, one thread, JSON lines in → JSON lines out")
    timed("gate checks (gate-check)", g_lines, lambda r: gates.check(r, grading))
    timed("reviewer selections (reviewers)", r_lines, lambda r: reviewers.select(r, roster))

    # The rule engine alone, on requests already validated: its share of the above.
    parser_g = gates.parser(grading.rules.level_labels)
    parsed_g = [parser_g.parse(json.loads(x), lambda rec: "company") for x in g_lines]
    start = time.perf_counter()
    for req in parsed_g:
        gates.engine.programs[req.gate].fire(req.flags, req.passed, req.ranks)
    e = time.perf_counter() - start
    print(f"{'  durable_rules only, gates':<34} {len(parsed_g) / e:>9,.0f} /s   {e / len(parsed_g) * 1e6:>7.1f} µs")
    parsed_r = [reviewers.parser.parse(json.loads(x)) for x in r_lines]
    start = time.perf_counter()
    for req in parsed_r:
        reviewers.engine.fire(req)
    e = time.perf_counter() - start
    print(f"{'  durable_rules only, reviewers':<34} {len(parsed_r) / e:>9,.0f} /s   {e / len(parsed_r) * 1e6:>7.1f} µs")
    rulesets.close()

    # The real command end to end (process start-up, rule loading, file I/O included).
    exe = Path(sys.executable).parent / "gradegate"
    with tempfile.TemporaryDirectory() as tmp:
        for label, command, lines in (
            ("gradegate gate-check", "gate-check", g_lines),
            ("gradegate reviewers", "reviewers", r_lines),
        ):
            source, target = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
            source.write_text("\n".join(lines) + "\n", encoding="utf-8")
            start = time.perf_counter()
            subprocess.run([str(exe), command, str(source), "-o", str(target)], check=True, capture_output=True)
            e = time.perf_counter() - start
            print(f"{label + ' (whole process)':<34} {len(lines) / e:>9,.0f} /s   {e:>7.2f} s for {len(lines):,} lines")


if __name__ == "__main__":
    main()
