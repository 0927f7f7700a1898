"""gradegate against the peer a user would pick instead (GoRules zen-engine), side by side in one run.

    .venv/bin/python bench/bench_peer.py [--records 20000] [--rounds 3] [--seconds 8] [--connections 32]

1. Parity: the same grading as a zen JDM graph (bench/peer_zen.py) gives the same
   totals, levels, risk levels and points on the public cases and on random projects.
2. One record in process: gradegate `GradingRuleSet.evaluate` (parse, validate,
   durable_rules, explanation) against zen `decision.evaluate` on the same JSON records,
   rounds alternating. Target ≥ 1.3× zen.
3. Batch: gradegate's vectorized path against zen record by record. Target ≥ 10×.
4. HTTP: `gradegate serve` (auth, SQLite decision log committed before the answer)
   against the FastAPI peer with and without its SQLite log, one uvicorn worker each,
   wrk on loopback (bounded duration), rounds alternating. Target ≥ 1.0× the logged
   peer and p99 < 25 ms at 32 connections.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_http import free_port  # noqa: E402
from bench.common import cpu_stalls  # noqa: E402
from bench.peer_zen import answer, load_decision  # noqa: E402
from gradegate.scoring import GradingRules, InputError  # noqa: E402
from gradegate.scoring.rulesets import load_rulesets  # noqa: E402
from gradegate.scoring.vocabulary import GRADING_FIELDS, RISK_FACTORS, RISK_VALUES  # noqa: E402

CASES = ROOT.parent / "shared" / "cases"
LIMITS = [0, 1, 2, 500_000, 1_000_000, 3_000_000, 5_000_000, 10_000_000, 20_000_000, 50_000_000]


def random_projects(n: int, seed: int) -> list[dict[str, Any]]:
    """JSON records as an integration posts them: codes and numbers; band limits hit often."""
    rng = random.Random(seed)

    def amount() -> float:
        return float(rng.choice(LIMITS)) if rng.random() < 0.2 else round(rng.lognormvariate(14.5, 1.4), 2)

    records = []
    for i in range(n):
        record: dict[str, Any] = {"project_id": f"R{i:07d}", "project_name": "随机项目"}
        for name, field in GRADING_FIELDS.items():
            if field.kind == "enum":
                record[name] = rng.choice(field.codes)
        record["amount_rmb"] = amount()
        record["external_service_amount_rmb"] = 0.0 if rng.random() < 0.25 else amount()
        record["product_line_count"] = rng.choice([1, 1, 2, 3, 4, 5, 9])
        record["risk"] = {f: rng.choice(RISK_VALUES) for f in RISK_FACTORS}
        if rng.random() < 0.05:
            level = rng.choice(["company", "office"])
            record["level_override"] = {"level": level, "approved_by": "王总", "reason": "战略合作"}
        records.append(record)
    return records


def normalized(project: Any) -> dict[str, Any]:
    """A parsed project as the peer reads it (codes, numbers): the peer has no parser of its own."""
    record = {k: getattr(project, k) for k in GRADING_FIELDS if k != "risk"}
    record.update(project_id=project.project_id, risk=dict(project.risk))
    override = project.level_override
    record["level_override"] = {"level": override.level} if override else None
    return record


def compare(ours: dict[str, Any], peer: dict[str, Any]) -> bool:
    return (
        ours["total_score"] == peer["total_score"]
        and ours["level"] == peer["level"]
        and ours["computed_level"] == peer["computed_level"]
        and ours["risk_level"] == peer["risk_level"]
        and ours["margin"] == peer["margin"]
        and {c["code"]: c["points"] for c in ours["criteria"]} == peer["points"]
    )


def parity(grading: Any, decision: Any, randoms: list[dict[str, Any]]) -> None:
    with open(CASES / "grading_public_input.csv", encoding="utf-8") as f:
        cases = list(csv.DictReader(f))
    with open(CASES / "grading_public_expected.csv", encoding="utf-8") as f:
        expected = {row["project_id"]: row for row in csv.DictReader(f)}
    checked = 0
    for record in cases:
        try:
            project = grading.parser.parse(record)
        except InputError:
            continue
        ours = grading.evaluate(record)
        peer = answer(decision.evaluate(normalized(project))["result"], grading.rules)
        want = expected[ours["project_id"]]
        assert compare(ours, peer), (record, ours, peer)
        assert (peer["total_score"], peer["level"]) == (int(want["total_score"]), want["level"]), (want, peer)
        checked += 1
    assert checked == len(expected), f"{checked} public cases graded, {len(expected)} expected"
    for record in randoms:
        peer = answer(decision.evaluate(normalized(grading.parser.parse(record)))["result"], grading.rules)
        assert compare(grading.evaluate(record), peer), (record, peer)
    print(f"parity: identical totals, levels, risk levels, margins and points on {checked} public cases "
          f"and {len(randoms):,} random projects")  # fmt: skip


def in_process(grading: Any, decision: Any, records: list[dict[str, Any]], rounds: int) -> None:
    peer_records = [normalized(grading.parser.parse(r)) for r in records]
    ratios = []
    print(f"one record in process, one thread, {len(records):,} records a round:")
    for r in range(rounds):
        t = time.perf_counter()
        for record in records:
            grading.evaluate(record)
        ours = time.perf_counter() - t
        t = time.perf_counter()
        for record in peer_records:
            decision.evaluate(record)
        theirs = time.perf_counter() - t
        ratios.append(theirs / ours)
        n = len(records)
        print(f"  round {r + 1}: gradegate evaluate {n / ours:>8,.0f}/s ({ours / n * 1e6:5.0f} µs) · "
              f"zen evaluate {n / theirs:>8,.0f}/s ({theirs / n * 1e6:5.0f} µs) · ratio {ratios[-1]:.2f}")  # fmt: skip
    print(f"  median ratio gradegate / zen: {statistics.median(ratios):.2f} (target ≥ 1.3)")


def batch(grading: Any, decision: Any, records: list[dict[str, Any]]) -> None:
    import pandas as pd

    from gradegate.scoring import grade_frame

    rows = []
    for r in records:
        row = {k: v for k, v in r.items() if k not in ("risk", "level_override")}
        row.update({f"risk_{f}": v for f, v in r["risk"].items()})
        for part, value in (r.get("level_override") or {}).items():
            row[f"override_{part}"] = value
        rows.append({k: str(v) for k, v in row.items()})
    frame = pd.DataFrame(rows)
    peer_records = [normalized(grading.parser.parse(r)) for r in records]
    t = time.perf_counter()
    graded = grade_frame(frame, grading)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    for record in peer_records:
        decision.evaluate(record)
    theirs = time.perf_counter() - t
    assert not graded.issues if hasattr(graded, "issues") else True
    n = len(records)
    print(f"batch, {n:,} records in process: gradegate grade_frame {n / ours:,.0f}/s · zen {n / theirs:,.0f}/s · "
          f"ratio {theirs / ours:.1f} (target ≥ 10)")  # fmt: skip


# --- HTTP ---------------------------------------------------------------------------------------

WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = [[{body}]]
wrk.headers["Content-Type"] = "application/json"
{auth}
"""


def wrk(url: str, body: bytes, key: str | None, seconds: float, connections: int, tmp: Path) -> dict[str, Any]:
    script = tmp / f"post-{os.getpid()}-{time.monotonic_ns()}.lua"
    auth = f'wrk.headers["Authorization"] = "Bearer {key}"' if key else ""
    script.write_text(WRK_SCRIPT.format(body=body.decode(), auth=auth), encoding="utf-8")
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "-s", str(script), url + "/v1/grade"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    percentiles = {p: _ms(v) for p, v in re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)", out, re.M)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": percentiles["50"], "p99": percentiles["99"], "non2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else ""}  # fmt: skip


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wait_for(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    import socket

    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"a server did not start:\n{log.read_text()}") from None
            time.sleep(0.2)


def same_answers(servers: dict[str, tuple[str, str | None]], body: bytes) -> None:
    """Every server grades the posted record alike before any is timed."""
    import httpx

    seen = set()
    for url, key in servers.values():
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
        answer = httpx.post(url + "/v1/grade", content=body, headers=headers).raise_for_status().json()
        seen.add((answer["total_score"], answer["level"], answer["risk_level"]))
    assert len(seen) == 1, f"the servers disagree on the posted record: {seen}"


def http(grading: Any, seconds: float, connections: int, rounds: int) -> None:
    from bench.bench_http import PROJECT, bench_settings, start_service

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    # Codes and numbers (the peer has no parser): the documented example, normalized.
    body = orjson.dumps(normalized(grading.parser.parse(PROJECT)))
    with tempfile.TemporaryDirectory(prefix="gradegate-peer-") as name:
        tmp = Path(name)
        servers: dict[str, tuple[str, str | None]] = {}
        procs = []
        try:
            port = free_port()
            proc, key = start_service(tmp, port, False, bench_settings(tmp, "sqlite"))
            procs.append(proc)
            servers["gradegate (auth, log)"] = (f"http://127.0.0.1:{port}", key)
            for label, log in (("zen peer, SQLite log", tmp / "peer.db"), ("zen peer, no log", None)):
                port = free_port()
                args = [sys.executable, str(ROOT / "bench" / "peer_app.py"), "--port", str(port)]
                if log is not None:
                    args += ["--log", str(log)]
                out = tmp / f"peer-{port}.log"
                with open(out, "w") as f:
                    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=f)
                procs.append(proc)
                wait_for(port, proc, out)
                servers[label] = (f"http://127.0.0.1:{port}", None)
            same_answers(servers, body)
            for url, key in servers.values():  # warm-up
                wrk(url, body, key, 1, connections, tmp)
            results: dict[str, list[dict[str, Any]]] = {label: [] for label in servers}
            print(f"POST /v1/grade, 1 uvicorn worker each, wrk 1 thread, {connections} connections, "
                  f"{seconds:g} s a run, rounds alternating:")  # fmt: skip
            for r in range(rounds):
                for label, (url, key) in servers.items():
                    res = wrk(url, body, key, seconds, connections, tmp)
                    results[label].append(res)
                    print(f"  round {r + 1} {label:<24}{res['rps']:>8,.0f} req/s  p50 {res['p50']:6.1f} ms  "
                          f"p99 {res['p99']:6.1f} ms  non-2xx {res['non2xx']} {res['socket_errors']}")  # fmt: skip
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=20)
    ours, logged, bare = (results[label] for label in servers)
    ratio_log = [a["rps"] / b["rps"] for a, b in zip(ours, logged, strict=True)]
    ratio_bare = [a["rps"] / b["rps"] for a, b in zip(ours, bare, strict=True)]
    print(f"  gradegate / peer with SQLite log: {', '.join(f'{x:.2f}' for x in ratio_log)} — median "
          f"{statistics.median(ratio_log):.2f} (target ≥ 1.0)")  # fmt: skip
    print(f"  gradegate / peer without a log:   {', '.join(f'{x:.2f}' for x in ratio_bare)} — median "
          f"{statistics.median(ratio_bare):.2f}")  # fmt: skip
    p99s = ", ".join(f"{x['p99']:.1f}" for x in ours)
    print(f"  gradegate p99: {p99s} ms (target < 25 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000, help="records a round, in process")
    parser.add_argument("--random", type=int, default=10_000, help="random projects checked for parity")
    parser.add_argument("--batch", type=int, default=50_000, help="records in the batch comparison")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0, help="wrk duration of each HTTP run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP comparison")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
    grading = load_rulesets().grading
    rules: GradingRules = grading.rules
    decision = load_decision(rules)
    parity(grading, decision, random_projects(args.random, seed=13))
    in_process(grading, decision, random_projects(args.records, seed=14), args.rounds)
    batch(grading, decision, random_projects(args.batch, seed=15))
    if not args.no_http:
        print(f"CPU steadiness before HTTP: {cpu_stalls()}")
        http(grading, args.seconds, args.connections, args.rounds)
        print(f"CPU steadiness after HTTP:  {cpu_stalls()}")
    print(f"load average after: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")


if __name__ == "__main__":
    main()
