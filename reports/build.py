"""The portfolio report as data: a batch job from a table of projects to every
table of portfolio.md (grading table, summaries, watch lists, gate status,
rule-change impact, rejected rows), timed phase by phase. Writers (HTML,
Excel, CSV) only format what this builds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from gradegate.reports import summaries, watch
from gradegate.reports.catalog import TITLES
from gradegate.reports.decision_tables import table_sections
from gradegate.reports.formatting import now_china
from gradegate.reports.gate_status import gate_status
from gradegate.reports.impact import Impact, compare
from gradegate.reports.portfolio_input import (
    DELIV_PREFIX,
    ERROR_COLUMNS,
    FLAG_PREFIX,
    parse_extras,
    portfolio_headers,
)
from gradegate.scoring import (
    AMOUNT_FIELDS,
    GRADING_HEADERS,
    STAGES,
    GateRuleSet,
    GradingRuleSet,
    TableRuleSet,
    grade_frame,
    map_headers,
)
from gradegate.scoring.tabular import LINES_ATTR, place_lines

# (phase, done, total): the CLI draws it as a progress bar.
Progress = Callable[[str, int, int], None]
GRADING_COLUMNS = ["row", "project_id", "project_name", "office", "region", "stage", "stage_label", "amount_rmb"]


@dataclass
class Table:
    key: str  # machine name: CSV file name, column-code space
    frame: pd.DataFrame

    @property
    def title(self) -> str:
        return TITLES[self.key]


@dataclass
class Report:
    generated_at: datetime
    source: str
    grading: GradingRuleSet
    gates: GateRuleSet
    read: int
    graded: int
    rejected: int
    tables: dict[str, Table]
    warnings: list[str]
    impact: Impact | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def threshold(self) -> int:
        return self.grading.rules.threshold

    def table(self, key: str) -> pd.DataFrame:
        return self.tables[key].frame


def build_report(
    frame: pd.DataFrame,
    grading: GradingRuleSet,
    gates: GateRuleSet,
    *,
    compare_with: GradingRuleSet | None = None,
    source: str = "",
    progress: Progress | None = None,
    decision_tables: Mapping[str, TableRuleSet] | None = None,
) -> Report:
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[phase] = timings.get(phase, 0.0) + now - clock
        clock = now

    lines = frame.attrs.get(LINES_ATTR)  # a CSV with blank lines: the line of each record (read_table)
    headers = map_headers(
        frame.columns,
        {**GRADING_HEADERS, **portfolio_headers(gates)},
        amounts=AMOUNT_FIELDS,
        passthrough_prefixes=(FLAG_PREFIX, DELIV_PREFIX),
    )
    frame = frame.rename(columns=headers.rename).reset_index(drop=True)
    units = headers.unit_exponents
    extras = parse_extras(frame, gates)
    extras.warnings[:0] = [i.message for i in headers.unknown]
    batch = grade_frame(frame, grading, unit_exponents=units)
    errors = [batch.errors, extras.errors]
    graded = _valid(batch.graded, errors)
    if "product_lines" in frame:
        graded["product_lines"] = frame["product_lines"].to_numpy()[graded["row"].to_numpy() - 1]
    lap("grade")

    status = gate_status(graded, extras, gates, grading, (lambda d, t: progress("gates", d, t)) if progress else None)
    errors.append(status.errors)
    graded = _valid(graded, errors)
    projects = status.projects[status.projects["row"].isin(graded["row"])].reset_index(drop=True)
    blocking = status.blocking[status.blocking["row"].isin(graded["row"])].reset_index(drop=True)
    lap("gate status")

    labels = grading.rules.level_labels
    error_frame = pd.concat([e for e in errors if len(e)] or [errors[0]], ignore_index=True)
    error_frame = error_frame.sort_values("row", kind="stable").reset_index(drop=True)[ERROR_COLUMNS]
    tables = {
        "grading": _grading_table(graded, grading),
        "level_summary": summaries.level_summary(graded, labels),
        "office_level": summaries.level_pivot(graded, "office", labels),
        "region_level": summaries.level_pivot(graded, "region", labels),
        "stage_summary": summaries.stage_summary(graded),
        "score_distribution": summaries.score_distribution(graded, grading.rules.max_score, labels),
        "watch_near_threshold": watch.near_threshold(graded),
        "watch_blocked_company": watch.blocked_company(projects, graded),
        "watch_overrides": watch.overrides(graded),
        "gate_status": projects,
        "gate_by_stage": summaries.gate_stage_summary(projects, blocking),
        "missing_deliverables": summaries.missing_deliverables(blocking),
        "blocking_items": blocking,
    }
    impact = None
    if compare_with is not None:
        other = grade_frame(frame, compare_with, unit_exponents=units).graded
        impact = compare(graded, other[other["row"].isin(graded["row"])], grading, compare_with)
        tables |= {
            "impact_rules": impact.rules,
            "impact_summary": impact.summary,
            "impact_changes": impact.changes,
            "impact_criteria": impact.criteria,
            "impact_projects": impact.projects,
        }
    rejected = int(error_frame["row"].nunique())  # rows not graded; a table's refusals are listed, not counted
    extra = table_sections(frame, graded, decision_tables or {})
    tables |= extra.tables
    if extra.errors:
        error_frame = pd.concat([error_frame, *extra.errors], ignore_index=True).sort_values("row", kind="stable")
    tables["errors"] = place_lines(error_frame.reset_index(drop=True), lines)
    lap("summaries")
    return Report(
        generated_at=now_china(),
        source=source,
        grading=grading,
        gates=gates,
        read=len(frame),
        graded=len(graded),
        rejected=rejected,
        tables={key: Table(key, table) for key, table in tables.items()},
        warnings=[*extras.warnings, *extra.warnings],
        impact=impact,
        timings=timings,
    )


def _valid(graded: pd.DataFrame, errors: list[pd.DataFrame]) -> pd.DataFrame:
    bad = set().union(*(set(e["row"]) for e in errors))
    return graded[~graded["row"].isin(bad)].reset_index(drop=True)


def _grading_table(graded: pd.DataFrame, grading: GradingRuleSet) -> pd.DataFrame:
    risk = next((c for c in grading.rules.criteria if c.levels), None)
    risk_labels = {level.code: level.label for level in risk.levels or []} if risk else {}
    frame = graded.assign(
        stage_label=graded["stage"].map(lambda s: STAGES.get(s) if isinstance(s, str) else None),
        risk_level_label=graded["risk_level"].map(risk_labels),
    )
    points = [f"points_{c.code}" for c in grading.rules.criteria]
    columns = [
        *GRADING_COLUMNS, *points, "total_score", "margin", "risk_level", "risk_level_label", "computed_level",
        "computed_level_label", "level", "level_label", "override_level", "override_approved_by", "override_reason",
    ]  # fmt: skip
    if "product_lines" in frame:
        columns.append("product_lines")
    return frame[[*columns, "ruleset_name", "ruleset_version", "ruleset_hash"]]
