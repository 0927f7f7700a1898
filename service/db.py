"""The service's database: the decision log and the API keys, through SQLAlchemy.

SQLite (a file) is the embedded default; PostgreSQL when GRADEGATE_DATABASE_URL
points at one. Tables live in an optional schema (`GRADEGATE_DB_SCHEMA`), which
is how the PostgreSQL tests keep each run apart.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import JSON, Column, DateTime, Engine, Index, MetaData, String, Table, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB

from gradegate.service.settings import Settings

metadata = MetaData()
Json = JSON().with_variant(JSONB(), "postgresql")

decisions = Table(
    "gradegate_decisions",
    metadata,
    Column("id", String(36), primary_key=True),
    # No index but the primary key: decisions are read back by id only, and each index
    # is written on every decision (databases created earlier keep theirs, harmlessly).
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("key_id", String(40), nullable=True),
    Column("route", String(80), nullable=False),
    Column("input", Json, nullable=False),
    Column("output", Json, nullable=False),
    Column("ruleset_name", String(80), nullable=False),
    Column("ruleset_version", String(40), nullable=False),
    Column("ruleset_hash", String(80), nullable=False),
)

# Whom each decision is about (a project id, an order or contract number): one row per
# subject, so a project's history is an index lookup, batches included. Its own table,
# not a column: `create_all` adds it to a database made before it existed.
decision_subjects = Table(
    "gradegate_decision_subjects",
    metadata,
    Column("decision_id", String(36), nullable=False, index=True),
    Column("subject_id", String(80), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_gradegate_decision_subjects_subject", "subject_id", "created_at"),
)

api_keys = Table(
    "gradegate_api_keys",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("secret_hash", String(80), nullable=False),
    Column("label", String(200), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)


def _json_text(value: object) -> str:
    return orjson.dumps(value).decode()


WAL_AUTOCHECKPOINT_PAGES = 16_384  # × 4 KiB pages


def make_engine(settings: Settings, *, create: bool = True) -> Engine:
    """An engine for the configured database, tables created when missing."""
    url = settings.db_url
    if settings.db_is_sqlite:
        engine = create_engine(
            url,
            json_serializer=_json_text,
            connect_args={"check_same_thread": False, "timeout": settings.db_busy_timeout_s},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, json_serializer=_json_text, pool_pre_ping=True)
    if settings.db_schema and not settings.db_is_sqlite:
        engine = engine.execution_options(schema_translate_map={None: settings.db_schema})
    if create:
        with engine.begin() as conn:
            if settings.db_schema and not settings.db_is_sqlite:
                conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{settings.db_schema}"')
            metadata.create_all(conn)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL: readers never block the writer; NORMAL: a commit survives a crash of the
    # process (not of the machine), which is what a decision log on one host needs.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    # SQLite's own checkpoint (a copy of the WAL into the file, two fsyncs) runs inside the
    # commit that crosses this many pages: 64 MB rather than the default 4 MB, because the
    # service's decision log checkpoints in a thread of its own several times a second
    # (decision_log.py), keeping the WAL at a few MB, and this one is only the fallback (a
    # process that writes without the log's thread, or a checkpoint that keeps failing).
    cur.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    cur.close()
