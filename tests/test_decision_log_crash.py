"""Committed before the answer: a `gradegate serve` killed with SIGKILL under load has a row
for every decision it answered (the answer leaves only after its row is committed)."""

from __future__ import annotations

import signal
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import run_cli
from tests.test_auth_matrix import PROJECT
from tests.test_service_cli import env_for, serving


@pytest.mark.slow
def test_every_answered_decision_survives_kill_9(tmp_path: Path) -> None:
    env = env_for(tmp_path, GRADEGATE_DB_BUSY_TIMEOUT_S="10")
    key = run_cli("keys", "create", "--role", "system", env=env).stdout.strip()
    headers = {"Authorization": f"Bearer {key}"}
    answered: list[str] = []
    failures: list[str] = []
    stop = threading.Event()

    def client(url: str) -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=5) as http:
            while not stop.is_set():
                try:
                    response = http.post("/v1/grade", json=PROJECT)
                except httpx.TransportError:
                    return  # the server is gone: whatever was not answered was not decided
                if response.status_code == 200:
                    answered.append(response.json()["decision_id"])
                else:
                    failures.append(f"{response.status_code} {response.text}")

    with serving([], env, tmp_path / "serve.log") as (url, proc):
        threads = [threading.Thread(target=client, args=(url,)) for _ in range(8)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        # Writes held up by a lock the test takes: the service is killed while every request it
        # is handling waits for its commit. An answer sent before its commit would be lost here.
        lock = sqlite3.connect(tmp_path / "service.db", timeout=5)
        lock.execute("BEGIN EXCLUSIVE")
        before_kill = len(answered)
        time.sleep(0.5)
        proc.send_signal(signal.SIGKILL)
        lock.rollback()
        lock.close()
        proc.wait(timeout=10)
        stop.set()
        for t in threads:
            t.join(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert not failures, failures[:3]
    assert before_kill > 20, "the load did not reach the service"
    with sqlite3.connect(tmp_path / "service.db") as conn:
        logged = {row[0] for row in conn.execute("SELECT id FROM gradegate_decisions")}
    missing = set(answered) - logged
    assert not missing, f"{len(missing)} of {len(answered)} answered decisions have no row"
