"""`gradegate decide TABLE INPUT` and `gradegate tables`: the decision tables of the rule folder.

JSON lines in → JSON lines out (line N answers line N, an error object in place
of a bad line; each record through durable_rules). CSV or .xlsx in → a table
out (-o, .csv or .xlsx) decided column by column, refused rows to the errors
file. Exit codes as for every command (cli/common.py): 0 all decided, 3 some
rows or lines refused, 1 nothing could run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

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
    stdout_console,
)
from gradegate.cli.decisions_cmd import _run as run_json_lines
from gradegate.scoring import RuleSets, TableError, TableRuleSet, table_format


def _table(rulesets: RuleSets, code: str) -> TableRuleSet:
    table = rulesets.tables.get(code.strip())
    if table is None:
        known = say("list.separator").join(f"{c} ({t.rules.label})" for c, t in rulesets.tables.items())
        fail(say("cli.unknown_table", code=code, known=known) if known else say("cli.unknown_table.none", code=code))
    return table


def decide(
    table: Annotated[str, typer.Argument(help="The table's code, e.g. project_class (see `gradegate tables`).")],
    input: Annotated[str, typer.Argument(help="Records: .jsonl (or `-` for stdin), .csv or .xlsx.")],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="JSON lines: default stdout. CSV/.xlsx input: the table to write."),
    ] = None,
    errors: Annotated[
        Path | None,
        typer.Option("--errors", help="CSV/.xlsx input: refused rows; default OUTPUT's name + .errors.csv."),
    ] = None,
    rules: RulesOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Run a decision table (决策表) over every record of INPUT.

    Exit code 0 when every record was decided, 3 when some were refused (the
    others are still decided), 1 when nothing could run.
    """
    rulesets = load_rules_or_exit(rules, as_of)
    chosen = _table(rulesets, table)
    fmt = "jsonl"
    if input != "-":
        try:
            fmt = table_format(Path(input))
        except TableError as exc:
            fail(str(exc))
    if fmt == "jsonl":
        run_json_lines(input, output, chosen.decide, chosen.identity)
    if output is None or output.suffix.lower() not in (".csv", ".xlsx"):
        fail(say("cli.table_output"))
    _run_table(chosen, Path(input), output, errors or output.with_name(output.stem + ".errors.csv"))


def _run_table(table: TableRuleSet, source: Path, output: Path, errors: Path) -> None:
    from gradegate.scoring import TableRun  # pandas and Arrow: only for a table

    run = TableRun(table, source)
    try:
        with byte_progress(source, f"deciding {table.code}") as advance:
            run.execute(output, errors, on_progress=advance)
    except TableError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(say("cli.cannot_write", path=output, error=exc.strerror or exc))
    counts = {"read": run.read, "decided": run.decided, "refused": run.refused}
    err.print(say("summary.table_counts", **counts, **rules_named(table.identity)), markup=False)
    err.print(say("summary.decided_to", path=output), markup=False)
    if run.refused:
        err.print(say("summary.rejected", path=errors, problems=run.error_lines), markup=False)
        raise typer.Exit(EXIT_REJECTED)
    raise typer.Exit(EXIT_OK)


def tables(rules: RulesOption = None) -> None:
    """List the decision tables (决策表): code, label, inputs and outputs."""
    rulesets = load_rules_or_exit(rules)
    out = stdout_console()
    for code, table in rulesets.tables.items():
        info: dict[str, Any] = table.describe()
        grid = Table(title=f"{code} — {info['label']} ({info['hit_policy']})", title_justify="left")
        for col in ("", "name", "中文", "type / values", "required / default"):
            grid.add_column(col)
        for i in info["inputs"]:
            need = (
                "required" if i["required"] else f"default {i['default']}" if i["default"] is not None else "optional"
            )
            grid.add_row("input", i["name"], i["label"], i["accepted"], need)
        for o in info["outputs"]:
            values = ", ".join(f"{k} ({v})" for k, v in (o["values"] or {}).items())
            grid.add_row("output", o["name"], o["label"], values, "")
        out.print(grid)
    if not rulesets.tables:
        out.print("no decision tables in the rule folder (add files under tables/)", markup=False)


def register(app: typer.Typer) -> None:
    app.command("decide")(decide)
    app.command("tables")(tables)
