"""Fixtures shared by every test module: where things are, the CLI, a real browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import ARTIFACTS, CASES, PG_URL, RULES, in_ci

# Flags that work on these machines: no sandbox as root, and no background
# networking (the network is closed; chromium would keep retrying).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def cases_dir() -> Path:
    if not CASES.is_dir():
        pytest.fail(f"the public cases are missing: {CASES} (shared/ must sit beside the repository)")
    return CASES


@pytest.fixture(scope="session")
def rules_dir() -> Path:
    return RULES


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A private copy of rules/ that a test may edit."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        if in_ci():
            pytest.fail("chromium is not installed; `make test` installs Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The PostgreSQL server of the tests (GRADEGATE_TEST_PG_URL). Unreachable: a failure in CI
    (`.ci/run` starts the server), a stated skip elsewhere. Give each test its own schema."""
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach it is stated: the failure or the skip says why
        reason = f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}: {exc}"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    finally:
        engine.dispose()
    return PG_URL


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    """A real headless chromium driven by Playwright (Debian's binary, no download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
