"""Reading the decision log back in bulk: the one place that knows its table's layout for readers
other than `GET /v1/decisions/{id}` (replay streams through here).

Streamed in chunks: the database hands rows over as they are read (a server-side cursor on
PostgreSQL), and JSON is parsed with orjson from the column's text, so a replay of millions
of decisions holds one chunk at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta

import orjson
from sqlalchemy import Engine, Text, cast, select

from gradegate.scoring import CST, Logged
from gradegate.service.db import decisions


def day_start(day: date) -> datetime:
    """00:00 of a day in China Standard Time, in UTC (SQLite keeps the log's times as naive UTC text)."""
    return datetime.combine(day, time(0), tzinfo=CST).astimezone(UTC)


def iter_logged(
    engine: Engine,
    *,
    since: date | None = None,
    until: date | None = None,
    routes: Sequence[str] = (),
    chunk: int = 20_000,
) -> Iterator[list[Logged]]:
    """The logged decisions from `since` to `until` (days in CST, both included), oldest first, in chunks."""
    query = select(
        decisions.c.id, decisions.c.route, cast(decisions.c.input, Text), cast(decisions.c.output, Text)
    ).order_by(decisions.c.id)  # UUIDv7: the primary key's order is the order they were made
    if since is not None:
        query = query.where(decisions.c.created_at >= day_start(since))
    if until is not None:
        query = query.where(decisions.c.created_at < day_start(until + timedelta(days=1)))
    if routes:
        query = query.where(decisions.c.route.in_(list(routes)))
    loads = orjson.loads
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=chunk).execute(query)
        for rows in result.partitions(chunk):
            yield [Logged(r[0], r[1], loads(r[2]), loads(r[3])) for r in rows]
