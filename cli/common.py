"""What every command shares: the console on stderr, loading rules, failing cleanly.

Exit codes, the same for every command:
    0  everything was processed
    1  the command could not run: unreadable input, broken rule files (nothing was written)
    2  wrong usage (unknown option, missing argument) — Typer's own
    3  the run completed, but some rows or lines were rejected (see the errors output)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from gradegate.scoring import RuleDefinitionError, RuleSets, load_rulesets
from gradegate.service.settings import Settings

EXIT_OK, EXIT_FAILED, EXIT_REJECTED = 0, 1, 3

err = Console(stderr=True, highlight=False, soft_wrap=True)


def stdout_console() -> Console:
    """Tables for people; wide enough when piped that hashes and labels are not cut."""
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=160)


RulesOption = Annotated[
    Path | None,
    typer.Option("--rules", help="Rule-set folder (default: rules/ of the installation, or $GRADEGATE_RULES_DIR)."),
]


def fail(message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", markup=True)
    raise typer.Exit(EXIT_FAILED)


@cache
def settings() -> Settings:
    """gradegate's settings (GRADEGATE_*), read once per command; invalid ones end the command."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        fail(f"invalid GRADEGATE_* settings:\n{exc}")


def load_rules_or_exit(directory: Path | None) -> RuleSets:
    """The rule folder given, else the settings' (GRADEGATE_RULES_DIR), else the one gradegate ships."""
    try:
        return load_rulesets(directory or settings().rules_dir)
    except RuleDefinitionError as exc:
        err.print("[bold red]error:[/] the rule files are invalid; nothing was run:", markup=True)
        for issue in exc.issues:
            err.print(f"  {issue}", markup=False)
        raise typer.Exit(EXIT_FAILED) from None


@contextmanager
def byte_progress(path: Path, what: str, min_bytes: int = 5_000_000) -> Iterator[Callable[[int], None]]:
    """A progress bar over the bytes of `path`, only for a person at a terminal and a large file.

    Yields `advance(bytes_done)`; a no-op when no bar is shown (pipes, CI, small files).
    """
    total = path.stat().st_size if path.is_file() else 0
    if not (sys.stderr.isatty() and total >= min_bytes):
        yield lambda done: None
        return
    columns = (TextColumn(what), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda done: bar.update(task, completed=done)
