"""`gradegate rules check` / `gradegate rules vocabulary`: what analysts run after editing a rule file."""

from __future__ import annotations

import typer
from rich.table import Table

from gradegate.cli.common import RulesOption, load_rules_or_exit, say, settings, stdout_console
from gradegate.scoring import GRADING_FIELDS, RISK_FACTORS, RISK_VALUES

rules_app = typer.Typer(help="Validate the rule files and list what they may use.", no_args_is_help=True)


@rules_app.command("check")
def check(rules: RulesOption = None) -> None:
    """Validate every rule file of the folder; print name, version, hash and a summary of each."""
    rulesets = load_rules_or_exit(rules)
    out = stdout_console()
    out.print(say("check.folder", path=rules or settings().rules_dir), markup=False)
    for ruleset in rulesets.all():
        identity = ruleset.identity
        table = Table(title=f"{identity.kind}: {identity.path}", show_header=False, title_justify="left")
        table.add_row("名称", identity.name)
        table.add_row("版本", identity.version)
        table.add_row("哈希", identity.hash)
        for label, value in ruleset.summary():
            table.add_row(label, value)
        out.print(table)
    out.print(say("check.valid"), markup=False)


@rules_app.command("vocabulary")
def vocabulary() -> None:
    """The input fields, codes and operators a grading rule file may use."""
    out = stdout_console()
    table = Table(title="grading fields a criterion can score", title_justify="left")
    for col in ("field", "kind", "中文", "accepts"):
        table.add_column(col)
    for f in GRADING_FIELDS.values():
        if f.kind == "enum":
            accepts = ", ".join(f.codes)
        elif f.kind == "risk":
            accepts = f"factors {', '.join(RISK_FACTORS)}; values {', '.join(RISK_VALUES)}"
        else:
            accepts = f"{'whole number' if f.kind == 'integer' else 'number'} ≥ {f.minimum:g}"
        table.add_row(f.name, f.kind, f.label, accepts)
    out.print(table)
    out.print(
        "bands: from (inclusive) / above (exclusive) / below (exclusive upper) / equals; "
        "enum values: code → {label, points}; risk levels: when {value: {at_least | at_most | exactly}}",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
