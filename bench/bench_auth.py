"""Bad-key flood benchmark: do requests with wrong API keys slow the valid ones? One run.

Starts `gradegate serve` (one worker, SQLite, a fresh `system` key) like bench_http.py, twice:
as shipped (failed authentications paced per client address, service/auth_pacing.py) and
with pacing off (GRADEGATE_AUTH_FAILURES_PER_S=0). On each:
1. valid load alone: C connections posting /v1/grade with the good key, for S seconds;
2. the same valid load while twice as many connections, from the same address, send bad
   keys all along (10,000 different ones by default, cycled: half well-formed with an
   unknown id — a miss of the key table every time —, half the real key id with a wrong
   secret).
Prints the valid requests' throughput and p50/p99 in both phases, their ratios, and the
flood's answers (all must be 401).

    .venv/bin/python bench/bench_auth.py [--seconds 8] [--connections 8] [--flood 10000]

Target: the valid p50 under the flood ≤ 2 × the valid p50 alone (as shipped).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import PROJECT, bench_settings, free_port, load, request_bytes, start_service

PACING = {"as shipped (paced)": {}, "pacing off": {"GRADEGATE_AUTH_FAILURES_PER_S": "0"}}


async def flood(port: int, requests: Iterator[bytes], connections: int, statuses: dict[int, int]) -> float:
    async def one() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for request in requests:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (int(line[15:]) for line in head.split(b"\r\n") if line[:15].lower() == b"content-length:"), 0
                )
                if length:
                    await reader.readexactly(length)
                status = int(head[9:12])
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(connections)))
    return time.perf_counter() - started


def until(bad: list[bytes], deadline: float) -> Iterator[bytes]:
    """The bad requests, again and again, until the deadline."""
    for request in itertools.cycle(bad):
        if time.perf_counter() > deadline:
            return
        yield request


async def under_flood(port: int, valid: bytes, bad: list[bytes], args: argparse.Namespace) -> tuple[dict, dict]:
    """The valid load, measured while the flood runs the whole time; the flood stops with it."""
    statuses: dict[int, int] = {}
    requests = until(bad, time.perf_counter() + args.seconds)
    flooding = asyncio.ensure_future(flood(port, requests, args.connections * 2, statuses))
    measured = await load(port, valid, args.seconds, args.connections)
    flooding.cancel()  # paced connections may still be waiting for their last 401
    with contextlib.suppress(asyncio.CancelledError, ConnectionError):
        await flooding
    return measured, statuses


def run(label: str, env: dict[str, str], args: argparse.Namespace) -> tuple[dict, dict, dict]:
    with tempfile.TemporaryDirectory(prefix="gradegate-bench-auth-") as name:
        tmp = Path(name)
        port = free_port()
        saved = dict(os.environ)
        os.environ.update(env)  # start_service hands the environment to `gradegate serve`
        try:
            proc, key = start_service(tmp, port, False, bench_settings(tmp, "sqlite"))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        key_id = key.split("_")[1]
        try:
            body = json.dumps(PROJECT).encode()
            valid = request_bytes("POST", "/v1/grade", port, key, body)
            bad = [
                request_bytes(
                    "POST",
                    "/v1/grade",
                    port,
                    f"gg_{secrets.token_hex(6) if i % 2 else key_id}_{secrets.token_urlsafe(32)}",
                    body,
                )
                for i in range(args.flood)
            ]
            asyncio.run(load(port, valid, 1.0, args.connections))  # warm-up
            alone = asyncio.run(load(port, valid, args.seconds, args.connections))
            flooded, statuses = asyncio.run(under_flood(port, valid, bad, args))
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return alone, flooded, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--flood", type=int, default=10_000)
    args = parser.parse_args()
    flooders = args.connections * 2
    print(f"gradegate auth under a bad-key flood: 1 worker, {args.connections} valid connections, "
          f"{flooders} flooding ones from the same address, {args.seconds:g} s a phase, loopback")  # fmt: skip
    for label, env in PACING.items():
        alone, flooded, statuses = run(label, env, args)
        print(f"{label}:")
        print(f"  {'valid POST /v1/grade':<24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}  statuses")
        for phase, r in (("alone", alone), ("under the flood", flooded)):
            print(f"  {phase:<24}{r['rps']:>10.0f}{r['p50_ms']:>10.2f}{r['p99_ms']:>10.2f}  {r['statuses']}")
        answered = sum(statuses.values())
        print(f"  flood: {answered:,} bad-key requests answered in {args.seconds:g} s "
              f"({answered / args.seconds:,.0f}/s), statuses {statuses}")  # fmt: skip
        p50, p99 = flooded["p50_ms"] / alone["p50_ms"], flooded["p99_ms"] / alone["p99_ms"]
        target = " (target ≤ 2×)" if not env else ""
        print(f"  valid p50 under flood / alone: {p50:.2f}×{target}; p99: {p99:.2f}×; "
              f"throughput: {flooded['rps'] / alone['rps']:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
