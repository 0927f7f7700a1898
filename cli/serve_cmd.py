"""`gradegate serve`: the HTTP decision service on uvicorn.

Settings come from GRADEGATE_* environment variables (docs/operations.md); the
options here override the few that belong on a command line, and travel to
uvicorn's worker processes the same way (each worker builds its app from the
environment). Everything that would make the service unsafe or useless is
refused before uvicorn starts.
"""

from __future__ import annotations

import gc
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from gradegate.cli.common import RulesOption, fail, fail_rules, load_rules_or_exit, say
from gradegate.cli.common import settings as read_settings

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy import Engine

    from gradegate.service.settings import Settings


def _check_bundle(engine: Engine, settings: Settings) -> None:
    """Database source: a bundle effective today must exist and load, or the service would serve nothing."""
    from gradegate.scoring import RuleDefinitionError, today_cst
    from gradegate.service.bundles import BundleStore

    store = BundleStore(engine, settings.db_schema)
    found = store.effective_on(today_cst())
    if found is None:
        fail(say("cli.no_bundle_today", url=settings.safe_db_url))
    try:
        store.load(found.hash).load().close()
    except RuleDefinitionError as exc:
        fail_rules(exc, say("cli.bundle_today_broken", hash=found.short_hash))


def serve(
    host: Annotated[
        str | None, typer.Option(help="address to listen on (default: $GRADEGATE_HOST or 127.0.0.1)")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="port to listen on (default: $GRADEGATE_PORT or 8000)", min=1, max=65535)
    ] = None,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes", min=1, max=64)] = 1,
    rules: RulesOption = None,
    access_log: Annotated[bool, typer.Option(help="uvicorn's per-request access log on stderr")] = True,
) -> None:
    """Run the HTTP service (API, decision log, web form at /)."""
    from sqlalchemy.exc import SQLAlchemyError

    from gradegate.cli.database import fail_database
    from gradegate.service.db import make_engine
    from gradegate.service.errors import UnsafeSettings
    from gradegate.service.keys import KeyStore

    overrides = {"GRADEGATE_HOST": host, "GRADEGATE_PORT": port, "GRADEGATE_RULES_DIR": rules and rules.resolve()}
    os.environ.update({name: str(value) for name, value in overrides.items() if value is not None})
    settings = read_settings()
    if settings.rules_source == "folder":
        load_rules_or_exit(settings.rules_dir).close()
    try:
        engine = make_engine(settings)
        key_count = KeyStore(engine).count_active()
        if settings.rules_source == "database":
            _check_bundle(engine, settings)
        else:
            from gradegate.service.bundles import BundleStore

            BundleStore(engine, settings.db_schema)  # its table made once here, not raced by the workers
        engine.dispose()
    except SQLAlchemyError as exc:
        fail_database(exc, settings)
    try:
        settings.check_safe(key_count)
    except UnsafeSettings as exc:
        fail(say("cli.start_refused", detail=exc))

    if settings.form_secret is None:
        # One key for every worker: a form token signed by one worker is checked by another.
        os.environ["GRADEGATE_FORM_SECRET"] = secrets.token_urlsafe(32)
    import uvicorn

    uvicorn.run(
        "gradegate.cli.serve_cmd:serving_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level="info",
        access_log=access_log,
    )


def serving_app() -> FastAPI:
    """The app as `serve` runs it (uvicorn's factory, in each worker): create_app, tuned for a long-lived process.

    The collector's tuning belongs to the serving process, not to every app a test builds.
    """
    from gradegate.service.app import create_app

    app = create_app()
    started = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with started(app):
            # Everything built so far (modules, rule sets, schemas) lives as long as the
            # process: out of the collector's sight, full collections stop pausing requests
            # for tens of milliseconds (they showed up as the p99).
            gc.collect()
            gc.freeze()
            # A request allocates a few thousand short-lived objects; with the default gen-0
            # threshold (700) the collector ran several times per request. 50,000 keeps it to
            # a pass every few dozen requests: +15–20 % grading throughput in bench_http.py.
            gc.set_threshold(50_000, 20, 20)
            yield

    app.router.lifespan_context = lifespan
    return app


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
