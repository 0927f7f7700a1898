"""Who is calling, and may they: API keys with one role each, checked per route.

A key comes as `Authorization: Bearer gg_…` or `X-API-Key: gg_…`. No key or an
unknown one → 401, paced per client address (auth_pacing.py); a valid key whose role
the route does not allow → 403.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, NoReturn

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from gradegate.service.keys import KeyStore
from gradegate.service.problems import Problem
from gradegate.service.settings import LOOPBACK

# Which roles each kind of route admits (README: "Auth roles").
GRADE = frozenset({"submitter", "system"})
DECIDE = frozenset({"system"})
READ = frozenset({"viewer", "analyst"})
RELOAD = frozenset({"analyst"})
KEYS = frozenset({"admin"})


@dataclass(frozen=True)
class Caller:
    key_id: str | None
    role: str


ANONYMOUS_DEV = Caller(key_id="auth-disabled", role="*")


async def _unauthenticated(request: Request, detail: str) -> NoReturn:
    """401, once the client address's pace of failures allows it (a flood waits; valid keys never do)."""
    client = request.scope.get("client")
    wait = request.app.state.service.auth_failures.wait(client[0] if client else "")
    if wait:
        await asyncio.sleep(wait)
    raise Problem(401, "unauthenticated", "API key required", detail, headers={"WWW-Authenticate": "Bearer"})


def _loopback_only(request: Request) -> None:
    """Auth disabled serves loopback only — however the app was started (uvicorn may bind 0.0.0.0)."""
    server, client = request.scope.get("server"), request.scope.get("client")
    if not (server and client and server[0] in LOOPBACK and client[0] in LOOPBACK):
        raise Problem(
            403,
            "auth-disabled-off-loopback",
            "Auth disabled: loopback only",
            "this service runs with GRADEGATE_AUTH_DISABLED=true and answers only on a loopback address",
        )


async def authenticate(request: Request, roles: frozenset[str]) -> Caller:
    """The Caller when the request's key is valid and its role is one of `roles`; else 401/403."""
    service = request.app.state.service
    if service.settings.auth_disabled:
        _loopback_only(request)
        return ANONYMOUS_DEV
    headers = request.headers
    authorization = headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    presented = credentials.strip() if scheme.lower() == "bearer" else headers.get("x-api-key", "")
    if not presented:
        await _unauthenticated(request, "give an API key: `Authorization: Bearer gg_…` or `X-API-Key: gg_…`")
    keys = service.keys
    await _fresh_enough(keys, presented)
    key = keys.check(presented)
    if key is None:
        await _unauthenticated(request, "the API key is unknown or revoked")
    if key.role not in roles:
        raise Problem(
            403,
            "forbidden",
            "Role not allowed",
            f"key {key.id} has role {key.role!r}; {request.url.path} needs one of {', '.join(sorted(roles))}",
        )
    return Caller(key_id=key.id, role=key.role)


async def _fresh_enough(keys: KeyStore, presented: str) -> None:
    """The key table in memory, read again first when needed — in a worker thread, never on the event loop.

    One reload at a time: a request whose key the table does not know while a reload is running
    waits for that reload (a key just created elsewhere), instead of being refused or starting another.
    """
    if keys.needs_reload(presented):
        keys.pending = asyncio.ensure_future(run_in_threadpool(keys.reload))
        await keys.pending
    elif keys.pending is not None and not keys.pending.done() and keys.check(presented) is None:
        with contextlib.suppress(Exception):  # the request that started the reload reports its failure
            await asyncio.shield(keys.pending)


def allow(roles: frozenset[str]) -> Callable[[Request], Awaitable[Caller]]:
    """A dependency giving the Caller when its key is valid and its role is one of `roles`."""

    async def check(request: Request) -> Caller:
        return await authenticate(request, roles)

    return check


def document_security(openapi: dict) -> dict:
    """Declare the two ways to give a key in the OpenAPI document, for every /v1 operation.

    Declared here rather than through FastAPI's security dependencies: those add two
    dependency resolutions to every request, for documentation only.
    """
    schemes = openapi.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes["HTTPBearer"] = {"type": "http", "scheme": "bearer", "description": "`Authorization: Bearer gg_…`"}
    schemes["APIKeyHeader"] = {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "`X-API-Key: gg_…`",
    }
    for path, operations in openapi.get("paths", {}).items():
        if path.startswith("/v1/"):
            for operation in operations.values():
                operation["security"] = [{"HTTPBearer": []}, {"APIKeyHeader": []}]
    return openapi


ReaderDep = Annotated[Caller, Depends(allow(READ))]
ReloaderDep = Annotated[Caller, Depends(allow(RELOAD))]
AdminDep = Annotated[Caller, Depends(allow(KEYS))]
