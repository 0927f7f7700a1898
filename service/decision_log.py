"""The decision log: every decision made over HTTP, committed before the answer leaves.

`record` returns the decision's id only once its row is committed; when the
database refuses, it raises a 503 problem, so a client never receives a
decision that left no trace.

Written off the event loop: one writer thread per process holds the database
connection; the event loop only queues rows and awaits their commit, so a slow
or distant database (PostgreSQL) never stalls requests that are being handled.
Group commit: the rows queued while a write is in flight go together in the
next transaction. Each request still waits for its own commit, but under load
one commit (one fsync, one round trip to PostgreSQL) serves many requests.

Each decision is also filed under the subjects its input names (a project, an
order or contract; every item of a batch) in the same transaction: what
`history` reads.

Rows are inserted as the driver takes them (JSON already serialized, once, by
orjson; no per-row SQLAlchemy type processing), and reading one back goes
through `DecisionLog.get`, the one place that reads logged decisions.

On SQLite, the write-ahead log is kept small off the commit path. Left to SQLite at
its default, the commit that filled 4 MB of WAL (every ~1,700 decisions) copied it into
the database file with two fsyncs itself: 10–20 ms during which every request awaiting
a commit waited too. So a thread of its own copies the WAL five times a second with a
passive checkpoint, which never blocks the writer. That alone cannot rewind the WAL:
SQLite rewinds it only when a write transaction starts with every frame already copied,
and under load commits land every millisecond or two, during any copy. The WAL then grew
to SQLite's own fallback (db.py: 64 MB), whose checkpoint ran inside a commit: 20–35 ms
every two seconds at full load, the p99 of `POST /v1/grade`. So when the thread's copy
has caught up with what it saw, the writer itself, between two groups, copies the few
frames committed meanwhile (≈ 4 ms: no other writer can add any), and its next group
rewinds the WAL, which stays at a few MB. Measured under wrk at 32 connections (bench_peer.py,
docs/benchmarks.md): commit groups' p50 2.0 → 1.1 ms, the slowest 45 → 10 ms, the
answers' p99 19–24 → 13–15 ms.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import orjson
import uuid_utils
from pydantic import BaseModel, Field
from sqlalchemy import DateTime, Engine, Table, select
from sqlalchemy.exc import SQLAlchemyError

from gradegate.scoring import RulesetRef
from gradegate.service.db import decision_subjects, decisions
from gradegate.service.problems import Problem

log = logging.getLogger("gradegate.service")

COLUMNS = ("id", "created_at", "key_id", "route", "input", "output", "ruleset_name", "ruleset_version", "ruleset_hash")
SUBJECT_COLUMNS = ("decision_id", "subject_id", "created_at")
# Where a decision's input names whom it is about: a project, an order or contract, the
# contract an order belongs to. A batch names each of its items' subjects.
SUBJECT_KEYS = ("project_id", "id", "contract_id")
SUBJECT_MAX = 80
# How often the SQLite write-ahead log is checkpointed off the commit path (≈ 500 decisions at full speed).
CHECKPOINT_S = 0.2


def new_decision_id() -> str:
    """A UUIDv7 (RFC 9562): time-ordered, so rows arrive in index order.

    uuid-utils rather than uuid4: its generator is seeded once, where os.urandom per
    call costs up to a millisecond on these VMs. Ids must be unique, not secret:
    reading a decision takes a key.
    """
    return str(uuid_utils.uuid7())


def unavailable() -> Problem:
    return Problem(
        503,
        "decision-log-unavailable",
        "Decision log unavailable",
        "the decision could not be recorded, so none was made; retry later",
        headers={"Retry-After": "5"},
    )


class Decision(BaseModel):
    decision_id: str
    created_at: datetime
    key_id: str | None = Field(description="the API key that asked (web-form: the browser form)")
    route: str
    input: Any
    output: Any
    ruleset: RulesetRef


class DecisionList(BaseModel):
    project_id: str = Field(description="the subject asked about")
    since: datetime | None = Field(description="decisions from this moment on; null: all")
    count: int = Field(description="how many decisions are listed (at most `limit`)")
    decisions: list[Decision] = Field(description="newest first")


def subjects_of(input: Any) -> list[str]:
    """The subject ids a decision's input names, each once, in order of appearance."""
    records = input if isinstance(input, list) else [input]
    found: list[str] = []
    for record in records:
        if not isinstance(record, dict):
            continue
        for key in SUBJECT_KEYS:
            value = record.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool):
                text = str(value).strip()
                if text and len(text) <= SUBJECT_MAX and text not in found:
                    found.append(text)
    return found


def insert_statement(engine: Engine, table: Table = decisions, columns: tuple[str, ...] = COLUMNS) -> str:
    """The INSERT in the driver's own parameter style, JSON columns cast where the database types them."""
    schema = (engine.get_execution_options().get("schema_translate_map") or {}).get(None)
    name = f'"{schema}".{table.name}' if schema else table.name
    if engine.dialect.name == "postgresql":
        marks = ["CAST(%s AS jsonb)" if c in ("input", "output") else "%s" for c in columns]
    else:
        marks = ["?"] * len(columns)
    return f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join(marks)})"


def json_text(value: Any) -> str:
    """JSON for a row; bytes are JSON already (an answer's own body, serialized once)."""
    return (value if isinstance(value, bytes) else orjson.dumps(value)).decode()


class DecisionLog:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._sql = insert_statement(engine)
        self._subjects_sql = insert_statement(engine, decision_subjects, SUBJECT_COLUMNS)
        # SQLite keeps timestamps as text in SQLAlchemy's format, which `get` reads back.
        self._stamp = engine.dialect.type_descriptor(DateTime(timezone=True)).bind_processor(engine.dialect)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="decision-log")
        # (decision row, its subject rows, the waiter)
        self._pending: list[tuple[tuple[Any, ...], list[tuple[Any, ...]], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._written = 0  # groups committed; the checkpointer compares it with what it last saw
        self._stop = threading.Event()
        # Set by the checkpoint thread when its copy caught up; the writer then finishes the copy (SQLite only).
        self._rewind_due = threading.Event()
        self._checkpointer: threading.Thread | None = None
        if engine.dialect.name == "sqlite":
            self._checkpointer = threading.Thread(target=self._checkpoints, name="decision-log-checkpoint", daemon=True)
            self._checkpointer.start()

    def _row(self, route: str, key_id: str | None, input: Any, output: Any, ruleset: RulesetRef) -> tuple[Any, ...]:
        now = datetime.now(UTC)
        created = self._stamp(now) if self._stamp else now
        return (
            new_decision_id(),
            created,
            key_id,
            route,
            json_text(input),
            json_text(output),
            ruleset.name,
            ruleset.version,
            ruleset.hash,
        )

    async def record(self, *, route: str, key_id: str | None, input: Any, output: Any, ruleset: RulesetRef) -> str:
        """Log one decision; its id once committed, or a 503 problem. `output` may be JSON bytes."""
        row = self._row(route, key_id, input, output, ruleset)
        subjects = [(row[0], subject, row[1]) for subject in subjects_of(input)]
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._pending.append((row, subjects, done))
        if self._writer is None or self._writer.done():
            # Starts on the loop's next turn: the requests being handled right now join its first group.
            self._writer = loop.create_task(self._write_groups())
        await done
        return str(row[0])

    async def _write_groups(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending:
            group, self._pending = self._pending, []
            try:
                await loop.run_in_executor(self._thread, self._write, group)
            except Exception as exc:  # whatever failed, every waiter hears of it and no one gets a success
                level = logging.ERROR if isinstance(exc, SQLAlchemyError) else logging.CRITICAL
                log.log(level, "decision log write of %d row(s) failed: %s", len(group), exc)
                for _, _, done in group:
                    if not done.done():
                        done.set_exception(unavailable())
            else:
                for _, _, done in group:
                    if not done.done():
                        done.set_result(None)
            if self._rewind_due.is_set():  # after the answers: the next group waits, not this one
                self._rewind_due.clear()
                await loop.run_in_executor(self._thread, self._finish_checkpoint)

    def _write(self, group: list[tuple[tuple[Any, ...], list[tuple[Any, ...]], Any]]) -> None:
        """One transaction for the group (decisions and their subjects), in the writer thread."""
        subjects = [subject for _, rows, _ in group for subject in rows]
        with self.engine.begin() as conn:
            conn.exec_driver_sql(self._sql, [row for row, _, _ in group])
            if subjects:
                conn.exec_driver_sql(self._subjects_sql, subjects)
        self._written += 1

    def _checkpoints(self) -> None:
        """SQLite only: copy what was committed from the WAL into the database file, off the commit path."""
        seen = self._written
        while not self._stop.wait(CHECKPOINT_S):
            if self._written == seen:
                continue
            seen = self._written
            try:
                busy, frames, copied = self._checkpoint()
            except SQLAlchemyError as exc:  # busy or failing: the next round (or SQLite's own) tries again
                log.warning("decision log checkpoint failed: %s", exc)
                continue
            if not busy and frames == copied:
                self._rewind_due.set()

    def _finish_checkpoint(self) -> None:
        """In the writer thread, between groups: copy the frames committed since the thread's copy began.

        No write can land meanwhile, so every frame is then in the database file, and the next
        group's transaction starts the WAL again from its beginning.
        """
        try:
            self._checkpoint()
        except SQLAlchemyError as exc:  # the log is still whole: SQLite's own checkpoint remains the fallback
            log.warning("decision log checkpoint failed: %s", exc)

    def _checkpoint(self) -> tuple[int, int, int]:
        """A passive checkpoint (it never waits for a writer): (busy, frames in the WAL, frames copied)."""
        with self.engine.connect() as conn:
            row = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        return row[0], row[1], row[2]

    def close(self) -> None:
        """Wait for the write in flight, then write whatever is still queued."""
        self._stop.set()
        if self._checkpointer is not None:
            self._checkpointer.join()
        self._thread.shutdown(wait=True)
        group, self._pending = self._pending, []
        if group:
            self._write(group)

    def get(self, decision_id: str) -> Decision | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(decisions).where(decisions.c.id == decision_id)).first()
        return None if row is None else _decision(row)

    def history(self, subject: str, *, since: datetime | None = None, limit: int = 100) -> list[Decision]:
        """The decisions about `subject` (a project, order or contract id), newest first, from `since` on."""
        query = (
            select(decisions)
            .join(decision_subjects, decision_subjects.c.decision_id == decisions.c.id)
            .where(decision_subjects.c.subject_id == subject.strip())
        )
        if since is not None:
            # Stored in UTC (SQLite keeps the wall time only): compare in UTC.
            query = query.where(decision_subjects.c.created_at >= since.astimezone(UTC))
        query = query.order_by(decision_subjects.c.created_at.desc(), decisions.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [_decision(row) for row in conn.execute(query)]


def _decision(row: Any) -> Decision:
    """A logged decision as read back: the one place that turns a row into a Decision."""
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return Decision(
        decision_id=row.id,
        created_at=created,
        key_id=row.key_id,
        route=row.route,
        input=row.input,
        output=row.output,
        ruleset=RulesetRef(name=row.ruleset_name, version=row.ruleset_version, hash=row.ruleset_hash),
    )
