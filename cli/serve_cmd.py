"""`gradegate serve`: the HTTP decision service on uvicorn.

Settings come from GRADEGATE_* environment variables (docs/operations.md); the
options here override the few that belong on a command line, and travel to
uvicorn's worker processes the same way (each worker builds its app from the
environment). Everything that would make the service unsafe or useless is
refused before uvicorn starts.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from gradegate.cli.common import RulesOption, fail, load_rules_or_exit
from gradegate.cli.common import settings as read_settings


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

    from gradegate.service.db import make_engine
    from gradegate.service.errors import UnsafeSettings
    from gradegate.service.keys import KeyStore

    overrides = {"GRADEGATE_HOST": host, "GRADEGATE_PORT": port, "GRADEGATE_RULES_DIR": rules and rules.resolve()}
    os.environ.update({name: str(value) for name, value in overrides.items() if value is not None})
    settings = read_settings()
    load_rules_or_exit(settings.rules_dir).close()
    try:
        engine = make_engine(settings)
        key_count = KeyStore(engine).count_active()
        engine.dispose()
    except SQLAlchemyError as exc:
        fail(f"cannot open the database {settings.safe_db_url}: {exc.__class__.__name__}: {getattr(exc, 'orig', exc)}")
    try:
        settings.check_safe(key_count)
    except UnsafeSettings as exc:
        fail(f"refusing to start: {exc}")

    import uvicorn

    uvicorn.run(
        "gradegate.service.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level="info",
        access_log=access_log,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
