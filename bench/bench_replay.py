"""Replay of logged gradings under a candidate rule folder: time and peak memory at two log sizes.

    .venv/bin/python bench/bench_replay.py [--sizes 250000 1000000] [--keep DIR]

Writes a SQLite decision log of N gradings (the real /v1/grade output of 200 distinct
projects, each logged many times under its own id), then runs `gradegate replay`
(a real subprocess, measured by GNU time) with a candidate whose threshold is 38.
Target (lifecycle.md): 1,000,000 gradings in under 2 minutes, and a peak memory that
does not grow with the log (the two sizes' peaks within a few per cent). CPU time is
printed beside wall time: on a shared, loaded machine it is the steadier figure.

Then publish-to-served: a `gradegate serve` process on a second port (database source,
SQLite) and the time from `gradegate rules publish` returning to the new rules answering.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench.*`, run as a script

from bench.common import BIN, ROOT, measure
from gradegate.scoring import load_rulesets
from gradegate.service.db import make_engine
from gradegate.service.settings import Settings


def projects(n: int, rng: random.Random) -> list[dict]:
    out = []
    for i in range(n):
        out.append(
            {
                "project_id": f"P{i:05d}",
                "amount_rmb": rng.choice([500_000, 3_000_000, 12_000_000, 30_000_000, 80_000_000]),
                "strategic_status": rng.choice(["core", "important", "general"]),
                "network_position": rng.choice(["new_entry", "minor_share", "major_share", "sole_supplier"]),
                "tech_maturity": rng.choice(["new_technology", "major_development", "minor_customization", "mature"]),
                "risk": {
                    f: rng.choice(["low", "medium", "high"])
                    for f in ("scope", "legal", "cost", "contract_terms", "supplier")
                },
                "external_service_amount_rmb": rng.choice([0, 100_000, 1_000_000, 5_000_000]),
                "expedite": rng.choice(["urgent", "moderate", "none"]),
                "product_line_count": rng.randint(1, 5),
            }
        )
    return out


def write_log(db: Path, size: int) -> None:
    """N logged gradings, inserted straight into the decision log's table."""
    make_engine(Settings(db_path=db)).dispose()
    rng = random.Random(7)
    rulesets = load_rulesets()
    shapes = []
    for p in projects(200, rng):
        result = rulesets.grading.grade(p)
        ref = result.ruleset
        shapes.append((p, orjson.dumps(result.model_dump(mode="json")).decode(), ref))
    start = datetime(2026, 10, 1, tzinfo=UTC)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    batch = []
    for i in range(size):
        p, out, ref = shapes[i % len(shapes)]
        record = orjson.dumps({**p, "project_id": f"{p['project_id']}-{i}"}).decode()
        at = (start + timedelta(seconds=i)).strftime("%Y-%m-%d %H:%M:%S.%f")
        batch.append(
            (
                str(uuid.UUID(int=rng.getrandbits(128))),
                at,
                None,
                "/v1/grade",
                record,
                out,
                ref.name,
                ref.version,
                ref.hash,
            )
        )
        if len(batch) == 50_000:
            conn.executemany("INSERT INTO gradegate_decisions VALUES (?,?,?,?,?,?,?,?,?)", batch)
            conn.commit()
            batch.clear()
    conn.executemany("INSERT INTO gradegate_decisions VALUES (?,?,?,?,?,?,?,?,?)", batch)
    conn.commit()
    conn.close()


def candidate(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "rules", folder, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    grading = folder / "grading.yaml"
    grading.write_text(grading.read_text(encoding="utf-8").replace("threshold: 40", "threshold: 38"), encoding="utf-8")
    return folder


def bench_replay(sizes: list[int], work: Path) -> None:
    cand = candidate(work / "candidate")
    rows = []
    for size in sizes:
        db = work / f"log-{size}.db"
        if not db.exists():
            t = time.perf_counter()
            write_log(db, size)
            gigabytes = db.stat().st_size / 1e9
            print(f"wrote a log of {size:,} gradings in {time.perf_counter() - t:.0f} s ({gigabytes:.1f} GB)")
        env = {**os.environ, "GRADEGATE_DB_PATH": str(db)}
        os.environ.update(env)
        m = measure([str(BIN / "gradegate"), "replay", "--rules", str(cand), "-o", str(work / f"out-{size}")])
        assert m.returncode == 0, f"replay failed ({m.returncode})"
        with open(work / f"out-{size}" / "changes.csv", encoding="utf-8-sig") as fh:
            changed = sum(1 for _ in fh) - 1
        rows.append((size, m.seconds, m.peak_mb, changed))
        print(
            f"replay {size:>9,} gradings: {m.seconds:6.1f} s wall ({size / m.seconds:,.0f}/s), "
            f"{m.cpu_seconds:6.1f} s CPU ({size / m.cpu_seconds:,.0f}/s)  peak {m.peak_mb:6.0f} MB  changed {changed:,}"
        )
    if len(rows) >= 2:
        (s0, _, p0, _), (s1, _, p1, _) = rows[0], rows[-1]
        print(f"peak memory {s1 / s0:.0f}× the log: {p1 / p0:.2f}× the memory")


def bench_propagation(work: Path, rounds: int = 3) -> None:
    """A second host's view: a serve process on the database source, a publish from the CLI, time to served."""
    import httpx

    db = work / "hosts.db"
    for stale in work.glob("hosts.db*"):  # a bundle published by an earlier run would make a publish a no-op
        stale.unlink()
    env = {
        **os.environ,
        "GRADEGATE_DB_PATH": str(db),
        "GRADEGATE_RULES_SOURCE": "database",
        "GRADEGATE_AUTH_DISABLED": "true",
    }
    env.pop("GRADEGATE_DATABASE_URL", None)
    subprocess.run(
        [str(BIN / "gradegate"), "rules", "publish", "--effective-from", "2026-01-01"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = 18000 + random.randrange(1000)
    server = subprocess.Popen(
        [str(BIN / "gradegate"), "serve", "--port", str(port), "--no-access-log"], env=env, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/v1/grade"
    body = {**projects(1, random.Random(1))[0]}
    try:
        for _ in range(300):
            try:
                if httpx.post(url, json=body).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        folder = candidate(work / "published")
        delays = []
        for k in range(rounds):
            grading = folder / "grading.yaml"
            text = grading.read_text(encoding="utf-8")
            text = text.replace(f'version: "bench-{k - 1}"', "").replace('version: "2026.11-1"', "")
            text = f'version: "bench-{k}"\n' + "\n".join(
                line for line in text.splitlines() if not line.startswith("version:")
            )
            grading.write_text(text, encoding="utf-8")
            shutil.rmtree(
                folder / "scenarios", ignore_errors=True
            )  # the bench's threshold breaks the default scenarios
            subprocess.run(
                [str(BIN / "gradegate"), "rules", "publish", "--rules", str(folder)],
                env=env,
                check=True,
                capture_output=True,
            )
            published = time.perf_counter()
            while httpx.post(url, json=body).json()["ruleset"]["version"] != f"bench-{k}":
                time.sleep(0.02)
            delays.append(time.perf_counter() - published)
        print(
            "publish → served on the serving host: "
            + ", ".join(f"{d:.2f} s" for d in delays)
            + f" (poll {Settings().bundle_poll_s} s)"
        )
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[250_000, 1_000_000])
    parser.add_argument("--keep", type=Path, help="keep the logs here (rerun without regenerating)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-replay-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        bench_replay(sorted(args.sizes), work)
        bench_propagation(work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
