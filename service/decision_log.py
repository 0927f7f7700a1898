"""The decision log: every decision made over HTTP, committed before the answer leaves.

`record` returns the decision's id only once its row is committed; when the
database refuses, it raises a 503 problem, so a client never receives a
decision that left no trace.

Group commit: the decisions of the requests the event loop is handling at the
same moment are written together in one transaction. Each request still waits
for its own commit, but under load one commit (one fsync, one round trip to
PostgreSQL) serves many requests.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import SQLAlchemyError

from gradegate.scoring import RulesetRef
from gradegate.service.db import decision_subjects, decisions
from gradegate.service.problems import Problem

log = logging.getLogger("gradegate.service")


def new_decision_id() -> str:
    """A UUIDv7: time-ordered (rows arrive in index order), 74 random bits.

    Not uuid4: os.urandom costs over a millisecond per call on these VMs, more than a
    whole grading. The ids need to be unique, not secret: reading one takes a key.
    """
    ms = time.time_ns() // 1_000_000
    rand = random.getrandbits(74)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


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


# Where a decision's input names whom it is about: a project, an order or contract, the
# contract an order belongs to. A batch names each of its items' subjects.
SUBJECT_KEYS = ("project_id", "id", "contract_id")
SUBJECT_MAX = 80


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


class DecisionList(BaseModel):
    project_id: str = Field(description="the subject asked about")
    since: datetime | None = Field(description="decisions from this moment on; null: all")
    count: int = Field(description="how many decisions are listed (at most `limit`)")
    decisions: list[Decision] = Field(description="newest first")


class DecisionLog:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._pending: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._flush_scheduled = False

    @staticmethod
    def _row(route: str, key_id: str | None, input: Any, output: Any, ruleset: RulesetRef) -> dict[str, Any]:
        return {
            "id": new_decision_id(),
            "created_at": datetime.now(UTC),
            "key_id": key_id,
            "route": route,
            "input": input,
            "output": output,
            "ruleset_name": ruleset.name,
            "ruleset_version": ruleset.version,
            "ruleset_hash": ruleset.hash,
        }

    async def record(self, *, route: str, key_id: str | None, input: Any, output: Any, ruleset: RulesetRef) -> str:
        """Log one decision; its id once committed, or a 503 problem."""
        row = self._row(route, key_id, input, output, ruleset)
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._pending.append((row, done))
        if not self._flush_scheduled:
            # Behind every callback already ready: the requests being handled right now
            # join this group before it is written.
            self._flush_scheduled = True
            loop.call_soon(self._flush)
        await done
        return row["id"]

    def _flush(self) -> None:
        """Write the pending group in one transaction, on the event loop's own thread.

        Not in a writer thread: the two would trade the GIL at every SQLite call, and
        each trade can wait out Python's 5 ms switch interval.
        """
        self._flush_scheduled = False
        group, self._pending = self._pending, []
        if not group:
            return
        try:
            subjects = [
                {"decision_id": row["id"], "subject_id": subject, "created_at": row["created_at"]}
                for row, _ in group
                for subject in subjects_of(row["input"])
            ]
            with self.engine.begin() as conn:
                conn.execute(insert(decisions), [row for row, _ in group])
                if subjects:
                    conn.execute(insert(decision_subjects), subjects)
        except Exception as exc:  # whatever failed, every waiter hears of it and no one gets a success
            level = logging.ERROR if isinstance(exc, SQLAlchemyError) else logging.CRITICAL
            log.log(level, "decision log write of %d row(s) failed: %s", len(group), exc)
            for _, done in group:
                if not done.done():
                    done.set_exception(unavailable())
        else:
            for _, done in group:
                if not done.done():
                    done.set_result(None)

    def close(self) -> None:
        """Write whatever is still pending."""
        self._flush()

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
