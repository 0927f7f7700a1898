"""`gradegate grade INPUT -o OUTPUT`: batch grading of a CSV, Excel or JSON-lines file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gradegate.cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    AsOfOption,
    RulesOption,
    byte_progress,
    err,
    fail,
    load_rules_or_exit,
    rules_named,
    say,
)
from gradegate.scoring import TableError, table_format


def grade(
    input: Annotated[Path, typer.Argument(help="Projects to grade: .csv, .xlsx or .jsonl (one project per row/line).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Graded table to write: .csv or .xlsx.")],
    errors: Annotated[
        Path | None,
        typer.Option("--errors", help="Rejected rows (.csv or .xlsx); default: OUTPUT's name + .errors.csv."),
    ] = None,
    rules: RulesOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Grade every project of INPUT (项目等级评定) into OUTPUT; rejected rows go to the errors file.

    Exit code 0 when every row was graded, 3 when some rows were rejected
    (the others are still graded), 1 when nothing could be graded.
    """
    if output.suffix.lower() not in (".csv", ".xlsx"):
        fail(say("cli.graded_type", path=output))
    try:
        table_format(input)
    except TableError as exc:
        fail(str(exc))
    errors = errors or output.with_name(output.stem + ".errors.csv")
    rulesets = load_rules_or_exit(rules, as_of)
    from gradegate.scoring import GradingRun  # pandas and Arrow: only when grading

    run = GradingRun(rulesets.grading, input)
    try:
        with byte_progress(input, "grading") as advance:
            run.execute(output, errors, on_progress=advance)
    except TableError as exc:
        fail(str(exc))
    counts = {"read": run.read, "graded": run.graded, "rejected": run.rejected}
    err.print(say("summary.counts", **counts, **rules_named(rulesets.grading.identity)), markup=False)
    for issue in run.header_issues:
        err.print(say("summary.warning", text=issue.message), markup=False)
    err.print(say("summary.graded", path=output), markup=False)
    if run.rejected or run.header_issues:
        err.print(say("summary.rejected", path=errors, problems=run.error_lines), markup=False)
    if run.rejected:
        raise typer.Exit(EXIT_REJECTED)
    raise typer.Exit(EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command("grade")(grade)
