"""API keys: created once and shown once, stored hashed, each with one role.

A key reads `gg_<id>_<secret>`. The id is public (it is what the decision log
records as the caller); the secret is 32 random bytes, stored as its sha256 —
a hash that suffices for a random secret (no password to brute-force).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, overload

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


@dataclass(frozen=True)
class _Known:
    key: ApiKey
    secret_hash: str


class KeyStore:
    """The key table, kept in memory: verifying a key asks no database on the request path.

    The active keys (id, role, hash — a few hundred rows at most) are loaded at start and again
    every `cache_s` seconds, so a key revoked or created by another process (the CLI, another
    worker) takes effect within that time. A well-formed key whose id is not in memory triggers
    one reload, at most once per MISS_RELOAD_S whatever the number of such requests: a flood of
    bad keys costs memory look-ups, not database queries. The secret is compared in constant time.
    """

    MISS_RELOAD_S = 1.0

    def __init__(self, engine: Engine, cache_s: float = 0.0):
        """`cache_s`: how long the loaded key table is trusted before it is read again (0: every check)."""
        self.engine = engine
        self.cache_s = cache_s
        self._known: dict[str, _Known] = {}
        self._loaded_at = -math.inf
        self._miss_reload_at = -math.inf
        self._lock = threading.Lock()
        self.pending: Any = None  # the reload running for the service, if any (service.auth)

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
        key = ApiKey(key_id, role, label, now, None)
        self._known[key_id] = _Known(key, _digest(secret))
        return key, f"gg_{key_id}_{secret}"

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
        self._known.pop(key_id, None)
        with self.engine.begin() as conn:
            result = conn.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        return result.rowcount == 1

    def reload(self) -> None:
        """Read the active keys from the database (blocking: call it from a thread on a server)."""
        with self._lock:
            with self.engine.connect() as conn:
                rows = conn.execute(select(api_keys).where(api_keys.c.revoked_at.is_(None))).all()
            self._known = {
                r.id: _Known(ApiKey(r.id, r.role, r.label, _aware(r.created_at), None), r.secret_hash) for r in rows
            }
            self._loaded_at = time.monotonic()

    def needs_reload(self, presented: str) -> bool:
        """Whether checking `presented` should first read the key table again (stale, or an unknown id)."""
        now = time.monotonic()
        if now - self._loaded_at >= self.cache_s:
            # Claimed by this caller: concurrent requests go on with the table they have (one reload, not many).
            self._loaded_at = now
            return True
        parsed = _parse(presented)
        if parsed is None or parsed[0] in self._known or now - self._miss_reload_at < self.MISS_RELOAD_S:
            return False
        self._miss_reload_at = now
        return True

    def check(self, presented: str) -> ApiKey | None:
        """The active key `presented` is, from memory only; None if unknown, malformed, revoked or wrong."""
        parsed = _parse(presented)
        if parsed is None:
            return None
        known = self._known.get(parsed[0])
        if known is None or not hmac.compare_digest(known.secret_hash, _digest(parsed[1])):
            return None
        return known.key

    def verify(self, presented: str) -> ApiKey | None:
        """`check`, reading the table first when needed (blocking; for the CLI and tests)."""
        if self.needs_reload(presented):
            self.reload()
        return self.check(presented)


def _parse(presented: str) -> tuple[str, str] | None:
    parts = presented.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "gg" or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


@overload
def _aware(moment: datetime) -> datetime: ...
@overload
def _aware(moment: datetime | None) -> datetime | None: ...
def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands datetimes back naive; they were written in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
