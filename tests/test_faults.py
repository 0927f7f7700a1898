"""Faults: kill -9 of the service under load loses no acknowledged decision (SQLite and PostgreSQL);
the database made unavailable mid-run gives 503s — never a 200 without its row — and the service
recovers by itself; kill -9 of a command leaves its previous output intact."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from gradegate.service.db import make_engine
from gradegate.service.keys import KeyStore
from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import DATA, ROOT
from tests.test_auth_matrix import PROJECT
from tests.test_service_cli import free_port

CLIENTS = 8
LOAD_S = 3.0


def _serve(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    exe = Path(sys.executable).parent / "gradegate"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(exe), "serve", "--port", str(port), "--no-access-log"],
            env={**os.environ, "GRADEGATE_RELOAD_POLL_S": "0", **env},
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


def _kill_under_load(settings: Settings, env: dict[str, str], log: Path) -> list[str]:
    """Acknowledged decision ids of a load that ends with kill -9 of the service."""
    engine = make_engine(settings)
    key = KeyStore(engine).create("system", "faults")[1]
    engine.dispose()
    proc, url = _serve(env, log)
    acknowledged: list[str] = []
    stop = threading.Event()

    def client(n: int) -> None:
        with httpx.Client(base_url=url, headers=auth(key), timeout=10) as c:
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    r = c.post("/v1/grade", json={**PROJECT, "project_id": f"K{n}-{i}"})
                except httpx.TransportError:
                    return  # the service is gone: this request was never acknowledged
                if r.status_code == 200:
                    acknowledged.append(r.json()["decision_id"])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    time.sleep(LOAD_S)
    os.kill(proc.pid, signal.SIGKILL)  # mid-flight: requests are being answered right now
    proc.wait()
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(acknowledged) > 50, f"too little load to mean anything: {len(acknowledged)}"
    return acknowledged


@pytest.mark.slow
def test_kill_9_under_load_loses_no_acknowledged_decision_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    acknowledged = _kill_under_load(Settings(db_path=db), {"GRADEGATE_DB_PATH": str(db)}, tmp_path / "serve.log")
    with sqlite3.connect(db) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM gradegate_decisions")}
    lost = set(acknowledged) - stored
    print(f"sqlite: {len(acknowledged)} acknowledged, {len(lost)} lost")
    assert not lost


@pytest.mark.slow
@pytest.mark.postgres
def test_kill_9_under_load_loses_no_acknowledged_decision_postgres(tmp_path: Path, postgres_url: str) -> None:
    schema = f"gg_test_{uuid.uuid4().hex[:12]}"
    settings = Settings(database_url=postgres_url, db_schema=schema, db_path=tmp_path / "unused.db")
    env = {"GRADEGATE_DATABASE_URL": postgres_url, "GRADEGATE_DB_SCHEMA": schema}
    engine = create_engine(postgres_url)
    try:
        acknowledged = _kill_under_load(settings, env, tmp_path / "serve.log")
        with engine.connect() as conn:
            stored = {r[0] for r in conn.execute(text(f'SELECT id FROM "{schema}".gradegate_decisions'))}
        lost = set(acknowledged) - stored
        print(f"postgresql: {len(acknowledged)} acknowledged, {len(lost)} lost")
        assert not lost
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def _grade_until(
    c: httpx.Client, db: Path, seconds: float, *, then_until_ok: float = 0.0
) -> list[tuple[int, str | None]]:
    """(status, decision id) of each request for `seconds`; then, if the last was not a 200, on
    until one is, for at most `then_until_ok` seconds more (recovery is timed by the machine's load)."""
    seen: list[tuple[int, str | None]] = []
    deadline = time.monotonic() + seconds
    last_chance = deadline + then_until_ok
    while time.monotonic() < deadline or (seen and seen[-1][0] != 200 and time.monotonic() < last_chance):
        r = c.post("/v1/grade", json={**PROJECT, "project_id": f"U{len(seen)}"})
        seen.append((r.status_code, r.json().get("decision_id") if r.status_code == 200 else None))
        if r.status_code != 200:
            assert r.status_code == 503 and r.headers["content-type"] == "application/problem+json", r.text
    return seen


def _stored(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM gradegate_decisions")}


@contextmanager
def lock_held(db: Path) -> Iterator[None]:
    """Another connection holding an exclusive lock on the database."""
    lock = sqlite3.connect(db, timeout=1)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        lock.rollback()
        lock.close()


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """The files made unwritable for everyone: chattr +i as root (root ignores file modes), else chmod."""
    files = [p for p in paths if p.exists()]
    root = os.geteuid() == 0
    for p in files:
        if root:
            subprocess.run(["chattr", "+i", str(p)], check=True)
        else:
            p.chmod(0o444)
    try:
        yield
    finally:
        for p in files:
            if root:
                subprocess.run(["chattr", "-i", str(p)], check=True)
            else:
                p.chmod(0o644)


OUTAGES = {
    "a lock held on the table": lock_held,
    # Not -shm: SQLite maps it into memory, and a write to an immutable mapping is a bus error.
    "a read-only database file": lambda db: read_only(db, Path(f"{db}-wal")),
}


@pytest.mark.parametrize("outage", sorted(OUTAGES))
def test_database_unavailable_mid_run_gives_503s_then_recovers_by_itself(tmp_path: Path, outage: str) -> None:
    db = tmp_path / "d.db"
    with (
        LiveServer(Settings(db_path=db, reload_poll_s=0, db_busy_timeout_s=0.2)) as live,
        httpx.Client(base_url=live.url, headers=auth(live.keys["system"]), timeout=30) as c,
    ):
        before = _grade_until(c, db, 0.3)
        with OUTAGES[outage](db):
            during = _grade_until(c, db, 0.8)
        after = _grade_until(c, db, 0.5, then_until_ok=5.0)
    assert {s for s, _ in during} == {503}, during[:3]
    assert {s for s, _ in before} == {200}
    assert after[-1][0] == 200 and {s for s, _ in after} <= {200, 503}  # recovered, no restart
    assert {i for _, i in before + during + after if i} <= _stored(db)  # every 200 has its row


def _kill_mid_write(args: list[str], output: Path, marker: bytes) -> None:
    """Run a command that writes `output`, kill -9 it while it works, and check `output` is untouched."""
    exe = Path(sys.executable).parent / "gradegate"
    previous = output.read_bytes()
    proc = subprocess.Popen([str(exe), *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.5)  # past start-up (imports, rules): into reading, grading, writing
    assert proc.poll() is None, "the command finished before it could be killed: give it more work"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert previous is not None and marker in previous
    assert output.read_bytes() == previous  # the earlier output, whole; a half-written file never replaces it


@pytest.mark.slow
def test_kill_9_of_grade_and_report_leaves_the_previous_output_intact(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    sample = (DATA / "sample_portfolio.csv").read_text(encoding="utf-8").splitlines()
    with open(big, "w", encoding="utf-8") as fh:  # ~200,000 rows: long enough to be killed mid-run
        fh.write(sample[0] + "\n")
        for i in range(200_000):
            row = sample[1 + i % (len(sample) - 1)].split(",", 1)
            fh.write(f"K{i:07d},{row[1]}\n")
    small = tmp_path / "small.csv"
    small.write_text("\n".join(sample[:30]) + "\n", encoding="utf-8")
    graded = tmp_path / "graded.csv"
    exe = Path(sys.executable).parent / "gradegate"
    subprocess.run([str(exe), "grade", small, "-o", graded], cwd=ROOT, capture_output=True, timeout=300)
    _kill_mid_write(["grade", str(big), "-o", str(graded)], graded, b"project_id")
    report = tmp_path / "report"
    subprocess.run([str(exe), "report", small, "-o", report], cwd=ROOT, capture_output=True, timeout=300)
    _kill_mid_write(["report", str(big), "-o", str(report)], report / "report.html", b"<html")
