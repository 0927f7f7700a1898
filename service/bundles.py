"""Published rule bundles: immutable rows in the service database, one per folder hash.

Kept in its own table (`gradegate_rule_bundles`), created by this module, apart from
the decision log and the keys. A publish on PostgreSQL also sends NOTIFY on the
store's channel, so every host's listener wakes at once (polling covers SQLite and
any notification that was missed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Column, Date, DateTime, Engine, String, Table, func, insert, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from gradegate.scoring import RuleBundle, bundle_file_hash
from gradegate.service.db import Json, metadata

bundles = Table(
    "gradegate_rule_bundles",
    metadata,
    Column("hash", String(80), primary_key=True),
    Column("effective_from", Date, nullable=False, index=True),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("published_by", String(200), nullable=False),
    Column("versions", Json, nullable=False),
    Column("file_hashes", Json, nullable=False),
    Column("files", Json, nullable=False),
)


class VersionConflict(Exception):
    """A rule file's version is already published with other content."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Published:
    hash: str
    effective_from: date
    published_at: datetime
    published_by: str
    versions: dict[str, str]

    @property
    def short_hash(self) -> str:
        return self.hash.removeprefix("sha256:")[:12]

    def public(self) -> dict[str, Any]:
        return {
            "hash": self.hash,
            "effective_from": self.effective_from.isoformat(),
            "published_at": self.published_at.isoformat(),
            "published_by": self.published_by,
            "versions": self.versions,
        }


_SUMMARY = (
    bundles.c.hash,
    bundles.c.effective_from,
    bundles.c.published_at,
    bundles.c.published_by,
    bundles.c.versions,
)
# Two bundles effective the same day: the one published later wins.
_NEWEST = (bundles.c.effective_from.desc(), bundles.c.published_at.desc())


def _published(row: Any) -> Published:
    at = row.published_at if row.published_at.tzinfo else row.published_at.replace(tzinfo=UTC)
    return Published(row.hash, row.effective_from, at, row.published_by, dict(row.versions))


class BundleStore:
    def __init__(self, engine: Engine, schema: str | None = None):
        self.engine = engine
        self.channel = f"gradegate_bundles_{schema}" if schema else "gradegate_bundles"
        try:
            bundles.create(engine, checkfirst=True)
        except SQLAlchemyError:
            # Several workers starting at once race to create it: one wins, the others find it made.
            if not inspect(engine).has_table(bundles.name, schema=schema if self.is_postgres else None):
                raise

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def publish(self, bundle: RuleBundle, effective_from: date, by: str) -> tuple[Published, bool]:
        """(the bundle as stored, True when stored now / False when that content was published before)."""
        with self.engine.begin() as conn:
            existing = conn.execute(select(*_SUMMARY).where(bundles.c.hash == bundle.hash)).first()
            if existing is not None:
                return _published(existing), False
            mine = {name: bundle_file_hash(bundle.files[name]) for name in bundle.versions}
            problems = []
            for row in conn.execute(select(bundles.c.hash, bundles.c.versions, bundles.c.file_hashes)):
                for name, version in bundle.versions.items():
                    theirs = row.file_hashes.get(name)
                    if row.versions.get(name) == version and theirs is not None and theirs != mine[name]:
                        short = row.hash.removeprefix("sha256:")[:12]
                        problems.append(
                            f"{name} version {version} is already published with other content (bundle {short}); "
                            "give the changed file a new version"
                        )
            if problems:
                raise VersionConflict(sorted(set(problems)))
            now = datetime.now(UTC)
            values = {
                "hash": bundle.hash,
                "effective_from": effective_from,
                "published_at": now,
                "published_by": by,
                "versions": bundle.versions,
                "file_hashes": mine,
                "files": bundle.files,
            }
            conn.execute(insert(bundles).values(**values))
            if self.is_postgres:
                conn.execute(text("SELECT pg_notify(:channel, :hash)"), {"channel": self.channel, "hash": bundle.hash})
        return Published(bundle.hash, effective_from, now, by, bundle.versions), True

    def history(self) -> list[Published]:
        """Every bundle, the newest effective first."""
        with self.engine.connect() as conn:
            return [_published(r) for r in conn.execute(select(*_SUMMARY).order_by(*_NEWEST))]

    def effective_on(self, day: date) -> Published | None:
        """The bundle deciding on `day`: the latest effective_from not after it."""
        query = select(*_SUMMARY).where(bundles.c.effective_from <= day).order_by(*_NEWEST).limit(1)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _published(row)

    def first_day(self) -> date | None:
        with self.engine.connect() as conn:
            return conn.execute(select(func.min(bundles.c.effective_from))).scalar_one_or_none()

    def resolve(self, ref: str) -> str | None:
        """A full hash from a hash or a unique prefix of one (with or without `sha256:`)."""
        prefix = ref if ref.startswith("sha256:") else "sha256:" + ref
        with self.engine.connect() as conn:
            found = conn.execute(select(bundles.c.hash).where(bundles.c.hash.startswith(prefix)).limit(2)).all()
        return found[0].hash if len(found) == 1 else None

    def load(self, bundle_hash: str) -> RuleBundle:
        with self.engine.connect() as conn:
            files = conn.execute(select(bundles.c.files).where(bundles.c.hash == bundle_hash)).scalar_one()
        return RuleBundle.of_files(dict(files))
