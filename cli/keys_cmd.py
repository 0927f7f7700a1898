"""`gradegate keys create --role R` / `list` / `revoke KEY_ID`: the service's API keys.

Keys live in the service's database (GRADEGATE_DATABASE_URL, or the SQLite file
GRADEGATE_DB_PATH), stored hashed: `create` prints the key once, on stdout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from gradegate.cli.common import err, fail, say, stdout_console
from gradegate.cli.database import open_database
from gradegate.service.roles import ROLE_HELP, ROLES

if TYPE_CHECKING:
    from gradegate.service.keys import KeyStore
    from gradegate.service.settings import Settings

keys_app = typer.Typer(help="Create, list and revoke the HTTP service's API keys.", no_args_is_help=True)


def _store() -> tuple[KeyStore, Settings]:
    from gradegate.service.keys import KeyStore

    engine, settings = open_database()
    return KeyStore(engine), settings


@keys_app.command("create")
def create(
    role: Annotated[str, typer.Option("--role", help=f"one of: {', '.join(ROLES)}")],
    label: Annotated[str | None, typer.Option("--label", help="who or what the key is for")] = None,
) -> None:
    """Create a key with ROLE and print it (once: only its hash is stored)."""
    from gradegate.service.errors import UnknownRole

    store, settings = _store()
    try:
        record, key = store.create(role, label)
    except UnknownRole:
        roles = "; ".join(f"{r}: {h}" for r, h in ROLE_HELP.items())
        fail(say("cli.unknown_role", role=role, roles=roles))
    err.print(say("cli.key_created", key_id=record.id, role=record.role, url=settings.safe_db_url), markup=False)
    err.print(say("cli.key_shown_once"), markup=False)
    typer.echo(key)


@keys_app.command("list")
def list_keys() -> None:
    """Every key: id, role, label, created, revoked (never the secret)."""
    store, _ = _store()
    table = Table(title="API keys", title_justify="left")
    for col in ("id", "role", "label", "created_at", "revoked_at"):
        table.add_column(col)
    for key in store.list():
        table.add_row(
            key.id,
            key.role,
            key.label or "",
            key.created_at.isoformat(timespec="seconds"),
            key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else "",
        )
    stdout_console().print(table)


@keys_app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="the key's id (the part after gg_)")]) -> None:
    """Revoke a key: every request with it is refused from now on."""
    store, _ = _store()
    if not store.revoke(key_id):
        fail(say("cli.no_key", key_id=key_id))
    err.print(say("cli.key_revoked", key_id=key_id), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
