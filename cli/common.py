"""What every command shares: the console on stderr, the catalogue's words, loading rules, failing cleanly.

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
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from gradegate.scoring import (
    RuleDefinitionError,
    RuleSetIdentity,
    RuleSets,
    load_rulesets,
    parse_day,
    render,
    shown_zh,
)
from gradegate.scoring.errors import show_value
from gradegate.service.settings import Settings

EXIT_OK, EXIT_FAILED, EXIT_REJECTED = 0, 1, 3

# The terminal speaks Chinese, like the summaries and the errors files the commands write (people.md);
# the catalogue holds every message's English too (the API's Accept-Language: en), so a language
# switch for the CLI would be this one name, read from a setting.
CLI_LANG = "zh"

err = Console(stderr=True, highlight=False, soft_wrap=True)


def stdout_console() -> Console:
    """Tables for people; wide enough when piped that hashes and labels are not cut."""
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=160)


RulesOption = Annotated[
    Path | None,
    typer.Option("--rules", help="Rule-set folder (default: rules/ of the installation, or $GRADEGATE_RULES_DIR)."),
]


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Decide under the rule bundle published for that day (YYYY-MM-DD, China Standard Time), "
        "from the service database.",
    ),
]


def say(key: str, **params: Any) -> str:
    """The catalogue's message `key` (scoring/messages.py) in the CLI's language."""
    return render(key, CLI_LANG, **params)


def fail(message: str) -> NoReturn:
    """End the command (exit 1) with `错误：message` on stderr; `message` is worded by the catalogue."""
    fail_lines(message, [])


def fail_lines(title: str, lines: list[str]) -> NoReturn:
    """`错误：title`, then one indented line per problem; exit 1."""
    head = Text(say("cli.error", text=title))
    # The prefix in bold red, the message as it is: a path or a value may hold `[`, never markup.
    head.stylize("bold red", 0, len(head) - len(title))
    err.print(head)
    for line in lines:
        err.print(f"  {line}", markup=False)
    raise typer.Exit(EXIT_FAILED) from None


def option_day(text: str, option: str) -> date:
    """The day an option names (YYYY-MM-DD, CST); the command ends naming the option otherwise."""
    try:
        return parse_day(text, option)
    except ValueError:
        fail(say("cli.not_a_date", option=option, shown=shown_zh(text), shown_en=show_value(text)))


def rules_named(identity: RuleSetIdentity) -> dict[str, str]:
    """The rule set as a summary line names it: `规则 {name} {version} ({hash})`."""
    return {"name": identity.name, "version": identity.version, "hash": identity.short_hash}


@cache
def settings() -> Settings:
    """gradegate's settings (GRADEGATE_*), read once per command; invalid ones end the command."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        fail(say("cli.settings_invalid", detail=exc))


def load_rules_or_exit(directory: Path | None, as_of: str | None = None) -> RuleSets:
    """The rule folder given, else the settings' (GRADEGATE_RULES_DIR), else the one gradegate ships;
    with `as_of`, the rule sets of the bundle published for that day."""
    if as_of is not None:
        if directory is not None:
            fail(say("cli.rules_and_as_of"))
        from gradegate.cli.database import load_as_of

        return load_as_of(as_of)
    try:
        return load_rulesets(directory or settings().rules_dir)
    except RuleDefinitionError as exc:
        fail_rules(exc)


def fail_rules(exc: RuleDefinitionError, what: str | None = None) -> NoReturn:
    """The rule files' problems, one line each (file:line: where: what), under `what` (default: invalid rules)."""
    fail_lines(what or say("cli.rules_invalid"), [str(issue) for issue in exc.issues])


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
