"""`gradegate replay --rules CANDIDATE -o DIR`: the logged decisions of a period, decided again
under candidate rules, and what would change (lifecycle.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from gradegate.cli.common import err, fail, load_rules_or_exit, option_day, say, stdout_console


def _day(value: str | None, option: str) -> date | None:
    return None if value is None else option_day(value, option)


def replay(
    rules: Annotated[Path, typer.Option("--rules", help="The candidate rule folder to replay under.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for changes.csv, summary.csv, replay.html.")],
    since: Annotated[str | None, typer.Option("--since", help="First day replayed (YYYY-MM-DD, CST).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last day replayed (YYYY-MM-DD, CST), included.")] = None,
    route: Annotated[
        list[str] | None, typer.Option("--route", help="Only this route (repeatable), e.g. /v1/grade.")
    ] = None,
) -> None:
    """Decide the logged inputs again under CANDIDATE rules; write what changes, per route, and what they refuse."""
    first, last = _day(since, "--since"), _day(until, "--until")
    if first and last and first > last:
        fail(say("cli.since_after_until", first=first, last=last))
    candidate = load_rules_or_exit(rules)
    from gradegate.cli.database import open_database
    from gradegate.reports.replay_out import ReplayWriter
    from gradegate.scoring import Replayer
    from gradegate.service.log_reader import iter_logged

    engine, settings = open_database()
    try:
        writer = ReplayWriter(output)
    except OSError as exc:
        fail(say("cli.cannot_write", path=output, error=exc.strerror or exc))
    replayer = Replayer(candidate, writer.changes.write, writer.invalid.write)
    for chunk in iter_logged(engine, since=first, until=last, routes=route or ()):
        replayer.feed(chunk)
    summary = replayer.summary()
    identity = candidate.grading.identity
    about = {
        "candidate": str(rules),
        "grading rules": f"{identity.name} {identity.version} ({identity.short_hash})",
        "database": settings.safe_db_url,
        "period": f"{first or 'the first'} – {last or 'the last'} logged decision",
        "routes": ", ".join(route) if route else "all",
    }
    writer.finish(summary, about)
    out = stdout_console()
    counts = ("route", "replayed", "unchanged", "changed", "up", "down", "invalid")
    for row in summary:
        out.print(say("summary.replayed", **{name: row[name] for name in counts}), markup=False)
    if not summary:
        out.print(say("summary.replay_none"), markup=False)
    err.print(say("cli.replay_written", path=output / "changes.csv"), markup=False)


def register(app: typer.Typer) -> None:
    app.command("replay")(replay)
