"""The service database as the CLI opens it (keys, published bundles, the decision log):
GRADEGATE_DATABASE_URL, or the SQLite file GRADEGATE_DB_PATH. Loaded only by the commands
that need it, so the rest of the CLI starts fast."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from gradegate.cli.common import fail, option_day, say

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.exc import SQLAlchemyError

    from gradegate.scoring import RuleSets
    from gradegate.service.bundles import BundleStore
    from gradegate.service.settings import Settings


def open_database() -> tuple[Engine, Settings]:
    from sqlalchemy.exc import SQLAlchemyError

    from gradegate.cli.common import settings as read_settings
    from gradegate.service.db import make_engine

    settings = read_settings()
    try:
        return make_engine(settings), settings
    except SQLAlchemyError as exc:
        fail_database(exc, settings)


def fail_database(exc: SQLAlchemyError, settings: Settings) -> NoReturn:
    """The database cannot be opened: its URL (without the password) and the driver's own words."""
    cause = getattr(exc, "orig", None) or exc  # a DBAPIError carries the driver's own error
    fail(say("cli.database", url=settings.safe_db_url, error=f"{exc.__class__.__name__}: {cause}"))


def open_bundles() -> tuple[BundleStore, Settings]:
    from gradegate.service.bundles import BundleStore

    engine, settings = open_database()
    return BundleStore(engine, settings.db_schema), settings


def load_as_of(text: str) -> RuleSets:
    """The rule sets of the bundle effective on that day (CST); a clear error naming --as-of otherwise."""
    from gradegate.cli.common import fail_rules
    from gradegate.scoring import RuleDefinitionError

    day = option_day(text, "--as-of")
    store, settings = open_bundles()
    found = store.effective_on(day)
    if found is None:
        first = store.first_day()
        when = say("cli.first_bundle", first=first) if first else say("cli.no_bundle_yet")
        fail(say("cli.no_bundle_on", day=day, url=settings.safe_db_url, when=when))
    try:
        return store.load(found.hash).load()
    except RuleDefinitionError as exc:
        fail_rules(exc, say("cli.bundle_broken", hash=found.short_hash, day=day))
