"""`gradegate report INPUT -o DIR`: the portfolio report (portfolio.md) as HTML, Excel and CSV."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from gradegate.cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    RulesOption,
    err,
    fail,
    load_rules_or_exit,
    rules_named,
    say,
)
from gradegate.scoring import TableError, table_format

# Below this many projects the report takes a second or two: no bar.
PROGRESS_FROM = 20_000
PHASES = {"gates": "关口检查 gate status"}


def report(
    input: Annotated[Path, typer.Argument(help="The portfolio: .csv or .xlsx (columns: see README, reports).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write the report into.")],
    rules: RulesOption = None,
    compare_rules: Annotated[
        Path | None,
        typer.Option("--compare-rules", help="A second rule-set folder: adds the rule-change impact (A = --rules)."),
    ] = None,
) -> None:
    """Portfolio report for the management team: grading table, summaries, watch lists, gate status.

    Writes DIR/report.html, DIR/report.xlsx, DIR/csv/*.csv and DIR/errors.csv.
    Exit code 0 when every row was graded, 3 when some rows were rejected (listed
    in errors.csv and in the report), 1 when nothing could be done.
    """
    try:
        if table_format(input) not in ("csv", "xlsx"):
            fail(say("cli.portfolio_type", path=input))
    except TableError as exc:
        fail(str(exc))
    if output.exists() and not output.is_dir():
        fail(say("cli.report_folder", path=output))
    rulesets = load_rules_or_exit(rules)
    other = load_rules_or_exit(compare_rules).grading if compare_rules is not None else None
    # pandas, openpyxl and the report modules load only when a report is made: `--help` stays quick.
    from gradegate.reports.build import build_report
    from gradegate.reports.outputs import write_report
    from gradegate.scoring import read_table

    try:
        frame = read_table(input)
    except TableError as exc:
        fail(str(exc))
    with _bar(len(frame)) as progress:
        built = build_report(
            frame,
            rulesets.grading,
            rulesets.gates,
            compare_with=other,
            source=str(input),
            progress=progress,
            decision_tables=rulesets.tables,
        )
        written = write_report(built, output)
    counts = {"read": built.read, "graded": built.graded, "rejected": built.rejected}
    err.print(say("summary.counts", **counts, **rules_named(rulesets.grading.identity)), markup=False)
    for warning in built.warnings:
        err.print(say("summary.warning", text=warning), markup=False)
    files = f"{written['html']}, {written['xlsx']}, {output / 'csv'}/"
    err.print(say("summary.report", files=files), markup=False)
    if built.rejected:
        problems = len(built.table("errors"))
        err.print(say("summary.rejected", path=written["errors"], problems=problems), markup=False)
        raise typer.Exit(EXIT_REJECTED)
    raise typer.Exit(EXIT_OK)


class _bar:
    """A progress bar for a large portfolio, shown only to a person at a terminal."""

    def __init__(self, rows: int):
        self.enabled = sys.stderr.isatty() and rows >= PROGRESS_FROM
        self.bar: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self):
        if not self.enabled:
            return None
        self.bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, transient=True,
        )  # fmt: skip
        self.bar.start()
        return self.update

    def update(self, phase: str, done: int, total: int) -> None:
        assert self.bar is not None
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(PHASES.get(phase, phase), total=total)
        self.bar.update(self.tasks[phase], completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def register(app: typer.Typer) -> None:
    app.command("report")(report)
