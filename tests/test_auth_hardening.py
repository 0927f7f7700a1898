"""Auth that holds on every start path: auth-disabled serves loopback only however the app was built;
bad keys cost no database query per request; the key table follows other processes within key_cache_s."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event

from gradegate.service.app import create_app
from gradegate.service.db import make_engine
from gradegate.service.errors import UnsafeSettings
from gradegate.service.keys import KeyStore
from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import run_async
from tests.test_auth_matrix import PROJECT


def test_auth_disabled_app_built_directly_refuses_non_loopback_clients(tmp_path: Path) -> None:
    """`uvicorn --factory … --host 0.0.0.0` skips the CLI's check: the app itself refuses."""
    app = create_app(Settings(db_path=tmp_path / "d.db", auth_disabled=True, reload_poll_s=0))

    async def ask(client_ip: str, server: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=(client_ip, 40000))
        async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url=server) as c:
            return await c.post("/v1/grade", json=PROJECT)

    outside = run_async(ask("203.0.113.7", "http://198.51.100.2"))
    assert outside.status_code == 403
    assert outside.headers["content-type"] == "application/problem+json"
    assert "loopback" in outside.json()["detail"]
    assert run_async(ask("127.0.0.1", "http://127.0.0.1")).status_code == 200


def test_app_factory_refuses_unsafe_settings(tmp_path: Path) -> None:
    """Auth off on a public address, or no key with auth on: the app does not start, whoever builds it."""
    with pytest.raises(UnsafeSettings, match="loopback"):
        create_app(Settings(db_path=tmp_path / "d.db", auth_disabled=True, host="0.0.0.0"))
    app = create_app(Settings(db_path=tmp_path / "d.db", reload_poll_s=0))

    async def start() -> None:
        async with app.router.lifespan_context(app):
            pass

    with pytest.raises(Exception, match="no API key exists"):
        run_async(start())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # Failures unpaced here: these tests count the key table's reloads per bad key, at full speed
    # (the pacing of failures has its own tests: test_auth_pacing.py).
    settings = Settings(
        db_path=tmp_path_factory.mktemp("authh") / "d.db", reload_poll_s=0, key_cache_s=1.0, auth_failures_per_s=0
    )
    with LiveServer(settings) as live:
        yield live


def test_a_flood_of_bad_keys_asks_the_database_almost_never(server: LiveServer) -> None:
    queries: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if "api_keys" in statement:
            queries.append(statement)

    key_id = server.keys["system"].split("_")[1]
    event.listen(server.service.engine, "before_cursor_execute", count)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            c.post("/v1/grade", json=PROJECT, headers=auth(server.keys["system"]))  # table loaded now
            queries.clear()
            started = time.monotonic()
            for i in range(300):
                key = f"gg_{secrets.token_hex(6) if i % 2 else key_id}_{secrets.token_urlsafe(32)}"
                assert c.post("/v1/grade", json=PROJECT, headers=auth(key)).status_code == 401
            elapsed = time.monotonic() - started
    finally:
        event.remove(server.service.engine, "before_cursor_execute", count)
    # One reload per key_cache_s at most, plus one per second for unknown ids: never one per request.
    assert len(queries) <= 2 * (elapsed + 1) + 1, (len(queries), elapsed)


def test_keys_created_or_revoked_elsewhere_take_effect_within_key_cache_s(server: LiveServer) -> None:
    other = KeyStore(make_engine(server.settings))  # another process: the CLI
    try:
        record, key = other.create("viewer", "elsewhere")
        with httpx.Client(base_url=server.url, headers=auth(key), timeout=30) as c:
            assert _eventually(lambda: c.get("/v1/rulesets").status_code == 200)
            other.revoke(record.id)
            assert _eventually(lambda: c.get("/v1/rulesets").status_code == 401)
    finally:
        other.engine.dispose()


def _eventually(condition, seconds: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
