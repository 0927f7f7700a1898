"""`gradegate replay --rules CANDIDATE -o DIR`: the logged decisions of a period, decided again
under candidate rules, and what would change (lifecycle.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from gradegate.cli.common import err, fail, load_rules_or_exit, stdout_console
from gradegate.scoring import parse_day


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return parse_day(value, option)
    except ValueError as exc:
        fail(str(exc))


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
        fail(f"--since {first} is after --until {last}")
    candidate = load_rules_or_exit(rules)
    from gradegate.cli.database import open_database
    from gradegate.reports.replay_out import ReplayWriter
    from gradegate.scoring import Replayer
    from gradegate.service.log_reader import iter_logged

    engine, settings = open_database()
    try:
        writer = ReplayWriter(output)
    except OSError as exc:
        fail(f"cannot write to {output}: {exc.strerror or exc}")
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
    for row in summary:
        out.print(
            f"{row['route']}: replayed {row['replayed']:,} · unchanged {row['unchanged']:,} · changed "
            f"{row['changed']:,} (up {row['up']:,}, down {row['down']:,}) · invalid {row['invalid']:,}",
            markup=False,
        )
    if not summary:
        out.print("no logged decisions in the period", markup=False)
    err.print(f"changes → {output / 'changes.csv'}; summary.csv, invalid.csv, replay.html beside it", markup=False)


def register(app: typer.Typer) -> None:
    app.command("replay")(replay)
