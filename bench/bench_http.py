"""HTTP service load benchmark: GET /healthz against POST /v1/grade (decision log on), one run.

Starts `gradegate serve` (one uvicorn worker, SQLite decision log in a temporary
folder, a fresh `system` key) on loopback, then drives it with a bounded asyncio
client: C keep-alive connections, each sending its next request as soon as the
previous answer is read. Prints requests/s and p50/p99 latency per route and the
grade/healthz throughput ratio.

    .venv/bin/python bench/bench_http.py [--seconds 10] [--connections 32]

Targets: grading ≥ 50 % of the healthz throughput, grading p99 < 25 ms.
The client is raw asyncio (no HTTP library) so that it costs the shared CPU as
little as possible; client and server share the machine, so figures are lower
than a remote client would see. Compare the ratio, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import cpu_stalls  # noqa: E402  (after the path is set)
from gradegate.service.schemas import PROJECT_EXAMPLE  # noqa: E402

PROJECT = {**PROJECT_EXAMPLE, "project_id": "BENCH-1"}


def request_bytes(method: str, path: str, port: int, key: str | None, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: keep-alive"]
    if key:
        lines.append(f"Authorization: Bearer {key}")
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def connection(port: int, request: bytes, until: float, latencies: list[float], statuses: dict) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


async def load(port: int, request: bytes, seconds: float, connections: int) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    until = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(connection(port, request, until, latencies, statuses) for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "rps": n / elapsed,
        "p50_ms": latencies[n // 2] * 1000,
        "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000,
        "statuses": statuses,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def bench_settings(tmp: Path, database: str):  # type: ignore[no-untyped-def]
    """The service's settings for one run: a SQLite file in `tmp`, or a fresh PostgreSQL schema."""
    from gradegate.service.settings import Settings

    if database == "sqlite":
        return Settings(db_path=tmp / "bench.db")
    return Settings(database_url=PG_URL, db_schema=f"bench_http_{os.getpid()}")


def settings_env(settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    if settings.database_url is None:
        return {"GRADEGATE_DB_PATH": str(settings.db_path)}
    return {"GRADEGATE_DATABASE_URL": settings.database_url, "GRADEGATE_DB_SCHEMA": settings.db_schema}


def start_service(tmp: Path, port: int, access_log: bool, settings) -> tuple[subprocess.Popen, str]:  # type: ignore[no-untyped-def]
    from gradegate.service.db import make_engine
    from gradegate.service.keys import KeyStore

    env = {**os.environ, **settings_env(settings)}
    engine = make_engine(settings)
    key = KeyStore(engine).create("system", "bench")[1]
    engine.dispose()
    exe = Path(sys.executable).parent / "gradegate"
    args = [str(exe), "serve", "--port", str(port), "--workers", "1"]
    if not access_log:
        args.append("--no-access-log")
    with open(tmp / "serve.log", "w") as log:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the service did not start:\n" + (tmp / "serve.log").read_text()) from None
            time.sleep(0.2)
    return proc, key


def decisions_logged(settings) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from gradegate.service.db import decisions, make_engine

    engine = make_engine(settings, create=False)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(decisions)).scalar_one()
    finally:
        engine.dispose()


def drop_schema(settings) -> None:  # type: ignore[no-untyped-def]
    if settings.db_schema is None:
        return
    from sqlalchemy import create_engine

    engine = create_engine(settings.database_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{settings.db_schema}" CASCADE')
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per route")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--access-log", action="store_true", help="keep uvicorn's access log on")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--database", choices=("sqlite", "postgres"), default="sqlite", help=f"decision log: SQLite file or {PG_URL}"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gradegate-bench-") as name:
        tmp = Path(name)
        port = free_port()
        settings = bench_settings(tmp, args.database)
        proc, key = start_service(tmp, port, args.access_log, settings)
        try:
            health = request_bytes("GET", "/healthz", port, None)
            grade = request_bytes("POST", "/v1/grade", port, key, json.dumps(PROJECT).encode())
            for request in (health, grade):  # warm-up: connections, rule engine, SQLite pages
                asyncio.run(load(port, request, 1.0, args.connections))
            logged_before = decisions_logged(settings)
            results = {
                "healthz": asyncio.run(load(port, health, args.seconds, args.connections)),
                "grade": asyncio.run(load(port, grade, args.seconds, args.connections)),
            }
            logged = decisions_logged(settings) - logged_before
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            drop_schema(settings)

    ratio = results["grade"]["rps"] / results["healthz"]["rps"]
    ok = results["grade"]["statuses"] == {200: results["grade"]["requests"]}
    if args.json:
        print(json.dumps({**results, "ratio": ratio, "decisions_logged": logged}, indent=2))
        return
    print(f"gradegate HTTP, {args.database} decision log, 1 uvicorn worker, {args.connections} connections, "
          f"{args.seconds:g} s per route, loopback")  # fmt: skip
    print(f"{'route':<16}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}  statuses")
    for route, r in (("GET /healthz", results["healthz"]), ("POST /v1/grade", results["grade"])):
        print(f"{route:<16}{r['rps']:>10.0f}{r['p50_ms']:>10.2f}{r['p99_ms']:>10.2f}  {r['statuses']}")
    print(f"grade / healthz throughput: {ratio:.0%} (target ≥ 50 %)")
    print(f"grade p99: {results['grade']['p99_ms']:.1f} ms (target < 25 ms)")
    traced = ok and logged == results["grade"]["requests"]
    print(f"decisions logged during the grade run: {logged} (one per 200 answered: {traced})")
    print(f"CPU steadiness right after: {cpu_stalls()}")


if __name__ == "__main__":
    main()
