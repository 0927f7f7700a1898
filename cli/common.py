"""What every command shares: the console on stderr, loading rules, failing cleanly.

Exit codes, the same for every command:
    0  everything was processed
    1  the command could not run: unreadable input, broken rule files (nothing was written)
    2  wrong usage (unknown option, missing argument) — Typer's own
    3  the run completed, but some rows or lines were rejected (see the errors output)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from scoring.errors import RuleDefinitionError
from scoring.rulesets import RuleSets, load_rulesets

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


def load_rules_or_exit(directory: Path | None) -> RuleSets:
    try:
        return load_rulesets(directory)
    except RuleDefinitionError as exc:
        err.print("[bold red]error:[/] the rule files are invalid; nothing was run:", markup=True)
        for issue in exc.issues:
            err.print(f"  {issue}", markup=False)
        raise typer.Exit(EXIT_FAILED) from None
