"""Decision tables in the portfolio report: when the portfolio carries a table's inputs (its id
field and every required input as columns), each graded project gets the table's outputs, and
each office a count of the table's main output (e.g. 重大项目 per office).

The table runs on the batch path (decide_frame) over the columns it reads; a project the table
refuses is listed in the report's errors (field `<table>: <field>`), never silently skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from gradegate.reports.catalog import HEADERS, TITLES
from gradegate.scoring import TableRuleSet, decide_frame, sheet_title


@dataclass
class TableSections:
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    errors: list[pd.DataFrame] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def carries(frame: pd.DataFrame, table: TableRuleSet) -> bool:
    needed = [n for n, spec in table.rules.inputs.items() if spec.required] + [table.rules.id_field]
    return all(n in frame.columns for n in needed)


def main_output(table: TableRuleSet) -> str | None:
    """The output counted per office: the first coded or yes/no output that holds one value."""
    for name, o in table.rules.all_outputs():
        if table.rules.output_kind(name) != "list" and (o.values or o.type == "boolean"):
            return name
    return None


def table_sections(frame: pd.DataFrame, graded: pd.DataFrame, tables: Mapping[str, TableRuleSet]) -> TableSections:
    out = TableSections()
    rows = graded["row"].to_numpy()
    for code, table in tables.items():
        if not carries(frame, table):
            continue
        columns = [n for n in table.rules.inputs if n in frame.columns]
        decided = decide_frame(frame.iloc[rows - 1][columns].reset_index(drop=True), table)
        per_project = decided.decided.drop(columns=["ruleset_name", "ruleset_version", "ruleset_hash"])
        per_project["row"] = rows[per_project["row"].to_numpy() - 1]
        offices = graded.set_index("row")["office"]
        per_project.insert(2, "office", offices.reindex(per_project["row"]).to_numpy())
        key = f"table_{code}"
        # Titles and headers are the table file's own: a new table needs no code here either.
        # A title is a sheet name too; 24 characters leave room for the summary sheets' suffixes.
        title = sheet_title(table.rules.label)[:24]
        TITLES[key] = title
        for name, o in table.rules.all_outputs():
            HEADERS.setdefault(name, o.label)
            HEADERS.setdefault(f"{name}_label", o.label)
        HEADERS.setdefault("matched_rules", "命中规则")
        out.tables[key] = per_project
        counted = main_output(table)
        if counted is not None and len(per_project):
            shown = f"{counted}_label" if f"{counted}_label" in per_project else counted
            values = per_project[shown].map(lambda v: {"true": "是", "false": "否"}.get(v, v))
            pivot = pd.crosstab(per_project["office"].fillna("(无办事处)"), values.rename(None))
            pivot.columns = [str(c) for c in pivot.columns]
            pivot["total"] = pivot.sum(axis=1)
            TITLES[f"{key}_office"] = f"{title}·按办事处"
            HEADERS.setdefault("total", "合计")
            out.tables[f"{key}_office"] = pivot.reset_index(names="office")
        if len(decided.errors):
            errors = decided.errors.copy()
            errors["row"] = rows[errors["row"].to_numpy() - 1]
            errors["line"] = errors["row"] + 1  # the portfolio's own line (its header is line 1)
            errors["project_id"] = errors["id"]
            errors["field"] = code + ": " + errors["field"].astype(str)
            out.errors.append(errors[["row", "line", "project_id", "field", "value", "reason", "message"]])
            out.warnings.append(f"决策表 {code}: {decided.refused} 个项目的输入无效，见被拒记录")
    return out
