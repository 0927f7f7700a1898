"""`gradegate rules test / publish / history / diff`: a rule folder's way from an edit to service.

`test` runs the scenarios beside the rules; `publish` refuses a folder whose files or
scenarios fail (naming every problem, storing nothing) and otherwise stores it as one
immutable bundle in the service database; `history` lists the bundles; `diff` says
what changed between two bundles or folders.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from gradegate.cli.common import EXIT_FAILED, RulesOption, err, fail, fail_lines, option_day, say, stdout_console
from gradegate.cli.rules_cmd import rules_app
from gradegate.scoring import (
    RuleBundle,
    RuleDefinitionError,
    ScenarioReport,
    default_rules_dir,
    diff_files,
    load_rulesets,
    run_scenarios,
    today_cst,
)


def _problems(directory: Path) -> tuple[list[str], ScenarioReport | None]:
    """Every reason to refuse the folder: broken rule or scenario files, failing scenarios."""
    try:
        rulesets = load_rulesets(directory)
    except RuleDefinitionError as exc:
        return [str(issue) for issue in exc.issues], None
    try:
        report = run_scenarios(directory, rulesets)
    except RuleDefinitionError as exc:
        return [str(issue) for issue in exc.issues], None
    finally:
        rulesets.close()
    return [str(f) for f in report.failures], report


@rules_app.command("test")
def test(rules: RulesOption = None) -> None:
    """Run the scenarios of the folder (scenarios/*.yaml): each failure with expected and actual values."""
    directory = rules or default_rules_dir()
    problems, report = _problems(directory)
    if report is None:
        fail_lines(say("cli.scenario_files_invalid"), problems)
    for problem in problems:
        err.print(say("scenario.fail", problem=problem), markup=False)
    stdout_console().print(say("cli.scenarios", summary=report.summary), markup=False)
    raise typer.Exit(0 if report.ok else EXIT_FAILED)


@rules_app.command("publish")
def publish(
    rules: RulesOption = None,
    effective_from: Annotated[
        str | None,
        typer.Option(
            "--effective-from",
            help="First day (YYYY-MM-DD, China Standard Time) the bundle decides; "
            "default: the latest effective_from of its files, else today.",
        ),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who publishes (default: the login name).")] = None,
) -> None:
    """Validate the folder, run its scenarios, and store it as one immutable bundle in the service database."""
    directory = rules or default_rules_dir()
    day = option_day(effective_from, "--effective-from") if effective_from is not None else None
    problems, report = _problems(directory)
    if problems:
        ran = [say("cli.scenarios", summary=report.summary)] if report is not None else []
        fail_lines(say("cli.not_published", path=directory), problems + ran)
    from gradegate.cli.database import open_bundles
    from gradegate.service.bundles import VersionConflict

    bundle = RuleBundle.of_folder(directory)
    store, settings = open_bundles()
    who = by or os.environ.get("GRADEGATE_PUBLISHER") or getpass.getuser()
    try:
        stored, fresh = store.publish(bundle, day or bundle.declared_from or today_cst(), who)
    except VersionConflict as exc:
        fail_lines(say("cli.not_published", path=directory), list(exc.problems))
    out = stdout_console()
    if not fresh:
        again = {"hash": stored.short_hash, "effective_from": stored.effective_from, "by": stored.published_by}
        out.print(say("publish.again", **again), markup=False)
        return
    scenarios = say("cli.scenarios", summary=report.summary) if report is not None else ""
    done = {"hash": stored.short_hash, "full": stored.hash, "effective_from": stored.effective_from}
    out.print(say("publish.done", **done, by=stored.published_by, db=settings.safe_db_url, scenarios=scenarios),
              markup=False)  # fmt: skip


@rules_app.command("history")
def history() -> None:
    """The published bundles, the newest effective first: hash, versions, effective from, by whom, when."""
    from gradegate.cli.database import open_bundles

    store, _ = open_bundles()
    today = today_cst()
    effective = store.effective_on(today)
    table = Table(title="已发布的规则包", title_justify="left")
    for col in ("哈希", "生效日期", "状态", "版本", "发布人", "发布时间"):
        table.add_column(col)
    for b in store.history():
        state = "生效中" if effective and b.hash == effective.hash else ("待生效" if b.effective_from > today else "")
        versions = ", ".join(f"{name} {v}" for name, v in b.versions.items())
        when = b.published_at.isoformat(timespec="seconds")
        table.add_row(b.short_hash, str(b.effective_from), state, versions, b.published_by, when)
    stdout_console().print(table)


def _files(ref: str) -> dict[str, str]:
    path = Path(ref)
    if path.is_dir():
        return RuleBundle.of_folder(path).files
    from gradegate.cli.database import open_bundles

    store, _ = open_bundles()
    full = store.resolve(ref)
    if full is None:
        fail(say("cli.unknown_ref", ref=ref))
    return store.load(full).files


@rules_app.command("diff")
def diff(
    a: Annotated[str, typer.Argument(help="Before: a bundle hash (or its prefix) or a rule folder.")],
    b: Annotated[str, typer.Argument(help="After: a bundle hash (or its prefix) or a rule folder.")],
) -> None:
    """Say in words what changed from A to B: points, bands, thresholds, deliverables, roles, table rules."""
    lines = diff_files(_files(a), _files(b))
    out = stdout_console()
    for line in lines or [say("diff.none")]:
        out.print(line, markup=False)


def register(app: typer.Typer) -> None:
    """The commands attach to `gradegate rules` (cli/rules_cmd.py) when this module is imported."""
