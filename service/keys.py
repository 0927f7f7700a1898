"""API keys: created once and shown once, stored hashed, each with one role.

A key reads `gg_<id>_<secret>`. The id is public (it is what the decision log
records as the caller); the secret is 32 random bytes, stored as its sha256 —
a hash that suffices for a random secret (no password to brute-force).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import overload

from sqlalchemy import Engine, func, insert, select, update

from gradegate.service.db import api_keys
from gradegate.service.errors import UnknownRole
from gradegate.service.roles import ROLE_HELP, ROLES, Role  # noqa: F401  (the key store's vocabulary)


@dataclass(frozen=True)
class ApiKey:
    id: str
    role: str
    label: str | None
    created_at: datetime
    revoked_at: datetime | None

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "role": self.role,
            "label": self.label,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class KeyStore:
    def __init__(self, engine: Engine, cache_s: float = 0.0):
        """`cache_s`: how long a verified key is trusted without asking the database again."""
        self.engine = engine
        self.cache_s = cache_s
        self._cache: dict[str, tuple[ApiKey, float]] = {}

    def create(self, role: str, label: str | None = None) -> tuple[ApiKey, str]:
        """A new key: (its record, the full key text — shown to the user once, never stored)."""
        if role not in ROLES:
            raise UnknownRole(f"unknown role {role!r}; the roles are {', '.join(ROLES)}")
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            conn.execute(
                insert(api_keys).values(id=key_id, role=role, secret_hash=_digest(secret), label=label, created_at=now)
            )
        return ApiKey(key_id, role, label, now, None), f"gg_{key_id}_{secret}"

    def list(self) -> list[ApiKey]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(api_keys).order_by(api_keys.c.created_at)).all()
        return [ApiKey(r.id, r.role, r.label, _aware(r.created_at), _aware(r.revoked_at)) for r in rows]

    def count_active(self) -> int:
        with self.engine.connect() as conn:
            query = select(func.count()).select_from(api_keys).where(api_keys.c.revoked_at.is_(None))
            return int(conn.execute(query).scalar_one())

    def revoke(self, key_id: str) -> bool:
        """True when an active key was revoked; False when no such active key exists."""
        self._cache.clear()
        with self.engine.begin() as conn:
            result = conn.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        return result.rowcount == 1

    def verify(self, presented: str) -> ApiKey | None:
        """The active key `presented` is, or None (unknown, malformed, revoked or wrong secret).

        Only keys found valid are cached, for `cache_s` seconds: a key revoked by another
        process (the CLI, another worker) stops working within that time.
        """
        digest = _digest(presented)
        cached = self._cache.get(digest)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        key = self._lookup(presented)
        if key is not None and self.cache_s > 0:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[digest] = (key, time.monotonic() + self.cache_s)
        return key

    def _lookup(self, presented: str) -> ApiKey | None:
        parts = presented.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != "gg":
            return None
        key_id, secret = parts[1], parts[2]
        with self.engine.connect() as conn:
            row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.secret_hash, _digest(secret)):
            return None
        return ApiKey(row.id, row.role, row.label, _aware(row.created_at), None)


@overload
def _aware(moment: datetime) -> datetime: ...
@overload
def _aware(moment: datetime | None) -> datetime | None: ...
def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands datetimes back naive; they were written in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
