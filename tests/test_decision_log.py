"""The decision log: every HTTP decision written, committed, readable; SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy import create_engine, text

from gradegate.scoring import RulesetRef
from gradegate.service import decision_log
from gradegate.service.db import WAL_AUTOCHECKPOINT_PAGES, make_engine
from gradegate.service.decision_log import DecisionLog
from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import CASES, run_async
from tests.test_auth_matrix import PROJECT


def _read(live: LiveServer, decision_id: str) -> dict:
    response = httpx.get(f"{live.url}/v1/decisions/{decision_id}", headers=auth(live.keys["viewer"]))
    assert response.status_code == 200, response.text
    return response.json()


def exercise_log(live: LiveServer) -> list[str]:
    """Grade, batch, gate and reviewer decisions; each read back whole. Returns the ids."""
    system = auth(live.keys["system"])
    graded = httpx.post(live.url + "/v1/grade", json=PROJECT, headers=system).json()
    record = _read(live, graded["decision_id"])
    assert record["route"] == "/v1/grade"
    assert record["key_id"] == live.keys["system"].split("_")[1]
    assert record["input"] == PROJECT
    assert record["output"] == {k: v for k, v in graded.items() if k != "decision_id"}
    assert record["ruleset"] == graded["ruleset"]
    assert record["ruleset"]["hash"].startswith("sha256:")

    batch = httpx.post(live.url + "/v1/grade/batch", json={"items": [PROJECT, {"project_id": "X"}]}, headers=system)
    batch_record = _read(live, batch.json()["decision_id"])
    assert batch_record["output"]["graded"] == 1 and batch_record["output"]["failed"] == 1
    assert len(batch_record["input"]) == 2

    gate = json.loads((CASES / "gates_public_input.jsonl").read_text(encoding="utf-8").splitlines()[0])
    gated = httpx.post(live.url + "/v1/gates/check", json=gate, headers=system).json()
    gate_record = _read(live, gated["decision_id"])
    assert gate_record["route"] == "/v1/gates/check" and gate_record["ruleset"]["name"] == gated["ruleset"]["name"]
    assert gate_record["output"]["blocking"] == gated["blocking"]

    # The project's history: the batch (it holds the project) then the single grading, newest first.
    viewer = auth(live.keys["viewer"])
    listed = httpx.get(live.url + "/v1/decisions", params={"project_id": PROJECT["project_id"]}, headers=viewer)
    assert listed.status_code == 200, listed.text
    assert [d["decision_id"] for d in listed.json()["decisions"]] == [
        batch.json()["decision_id"],
        graded["decision_id"],
    ]
    assert listed.json()["decisions"][1] == record
    gate_history = httpx.get(live.url + "/v1/decisions", params={"project_id": gate["project_id"]}, headers=viewer)
    assert gated["decision_id"] in [d["decision_id"] for d in gate_history.json()["decisions"]]
    later = httpx.get(
        live.url + "/v1/decisions", params={"project_id": PROJECT["project_id"], "since": "2999-01-01"}, headers=viewer
    )
    assert later.status_code == 200 and later.json()["decisions"] == []
    return [graded["decision_id"], batch.json()["decision_id"], gated["decision_id"]]


def test_sqlite_log_written_and_read_back(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    with LiveServer(Settings(db_path=db, reload_poll_s=0)) as live:
        ids = exercise_log(live)
    # Committed: another connection, after the service stopped, sees every row.
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, route FROM gradegate_decisions").fetchall()
    assert {r[0] for r in rows} == set(ids)


def test_the_wal_is_checkpointed_off_the_commit_path(tmp_path: Path) -> None:
    """Decisions reach the database file itself within a fraction of a second, though no commit
    comes near SQLite's own checkpoint size: the log's checkpoint thread copied them there."""
    db = tmp_path / "log.db"
    with LiveServer(Settings(db_path=db, reload_poll_s=0), roles=["system"]) as live:
        with live.service.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == WAL_AUTOCHECKPOINT_PAGES
        before = db.stat().st_size
        headers = auth(live.keys["system"])
        for n in range(40):
            assert httpx.post(
                live.url + "/v1/grade", json={**PROJECT, "project_id": f"P{n}"}, headers=headers
            ).is_success
        deadline = time.monotonic() + 5
        while db.stat().st_size == before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert db.stat().st_size > before  # in WAL mode only a checkpoint writes the database file
        checkpointer = live.service.log._checkpointer
        assert checkpointer is not None and checkpointer.is_alive()
    assert not checkpointer.is_alive()  # stopped with the service


def stream_decisions(log: DecisionLog, count: int, in_flight: int = 64) -> None:
    """`count` decisions of ~2 KB each (a grade's size), `in_flight` at a time: commits back to back."""
    output = orjson.dumps({"project_id": "P", "criteria": "x" * 2_000})
    ref = RulesetRef(name="default-grading", version="1", hash="sha256:" + "0" * 64)

    async def stream() -> None:
        for start in range(0, count, in_flight):
            await asyncio.gather(
                *(
                    log.record(
                        route="/v1/grade", key_id=None, input={"project_id": f"P{n}"}, output=output, ruleset=ref
                    )
                    for n in range(start, start + in_flight)
                )
            )

    run_async(stream())


def test_the_wal_starts_again_under_commits_back_to_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under a stream of commits the WAL is started again from its beginning, so it stays a few MB.

    The checkpoint thread's copy never catches up with a writer that commits during it, and SQLite
    only starts the WAL again when a transaction begins with every frame copied: without the
    writer finishing the copy between groups, this stream (≈ 70 MB of pages) grows the WAL up
    to SQLite's own fallback checkpoint (64 MB), which stalls a commit.
    """
    # Rounds as often, against this stream, as the service's are against 5,000 grades a second.
    monkeypatch.setattr(decision_log, "CHECKPOINT_S", 0.02)
    settings = Settings(db_path=tmp_path / "log.db")
    engine = make_engine(settings)
    log = DecisionLog(engine)
    wal = tmp_path / "log.db-wal"
    try:
        stream_decisions(log, 12_800)
        # Read while the log is open (closing it copies and deletes the WAL). SQLite reuses the
        # file from its start, so its size is the high-water mark.
        high_water = wal.stat().st_size
    finally:
        log.close()
        engine.dispose()
    conn = sqlite3.connect(settings.db_path)
    try:
        assert conn.execute("SELECT count(*) FROM gradegate_decisions").fetchone()[0] == 12_800
    finally:
        conn.close()
    # 5–6 MB here; without the writer finishing the copy, 64 MB and more.
    assert high_water < 24 * 2**20, f"the WAL grew to {high_water / 2**20:.0f} MB"


def test_invalid_input_is_not_a_decision(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    with LiveServer(Settings(db_path=db, reload_poll_s=0), roles=["system"]) as live:
        response = httpx.post(live.url + "/v1/grade", json={"project_id": "X"}, headers=auth(live.keys["system"]))
        assert response.status_code == 422
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM gradegate_decisions").fetchone()[0] == 0


def test_no_success_without_a_trace(tmp_path: Path) -> None:
    """Writes refused (database locked) → 503 and no row; writes back → 200 and a row."""
    db = tmp_path / "log.db"
    with LiveServer(Settings(db_path=db, reload_poll_s=0, db_busy_timeout_s=0.2), roles=["system"]) as live:
        headers = auth(live.keys["system"])
        lock = sqlite3.connect(db, timeout=0.1)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            refused = [httpx.post(live.url + "/v1/grade", json=PROJECT, headers=headers) for _ in range(3)]
            refused.append(httpx.post(live.url + "/v1/grade/batch", json={"items": [PROJECT]}, headers=headers))
        finally:
            lock.rollback()
            lock.close()
        assert [r.status_code for r in refused] == [503] * 4
        assert all("decision_id" not in r.text for r in refused)
        ok = httpx.post(live.url + "/v1/grade", json=PROJECT, headers=headers)
        assert ok.status_code == 200
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id FROM gradegate_decisions").fetchall() == [(ok.json()["decision_id"],)]


@pytest.mark.postgres
def test_postgres_log_written_and_read_back(tmp_path: Path, postgres_url: str) -> None:
    schema = f"gg_test_{uuid.uuid4().hex[:12]}"
    settings = Settings(database_url=postgres_url, db_schema=schema, reload_poll_s=0, db_path=tmp_path / "unused.db")
    engine = create_engine(postgres_url)
    try:
        with LiveServer(settings) as live:
            ids = exercise_log(live)
        with engine.connect() as conn:
            rows = conn.execute(text(f'SELECT id, route, input FROM "{schema}".gradegate_decisions')).all()
            kinds = conn.execute(
                text(
                    "SELECT data_type FROM information_schema.columns "
                    "WHERE table_schema = :s AND table_name = 'gradegate_decisions' AND column_name = 'input'"
                ),
                {"s": schema},
            ).scalar_one()
        assert {r.id for r in rows} == set(ids)
        assert kinds == "jsonb"
        assert not (tmp_path / "unused.db").exists()
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
