"""The standalone HTML report: jinja2 (the shared autoescaping Environment),
inline CSS and inline SVG charts, Chinese headers, printable.

A page a manager reads, not a data dump: the executive summary first, watch
lists as their top 20 with the total count, summary tables cut at `max_rows`,
each cut saying where the full list is (the workbook and the CSV files hold
every row); the per-project tables live only in the workbook and the CSV.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from gradegate.reports.build import Report
from gradegate.reports.catalog import CODE_COLUMNS, TITLES, header
from gradegate.reports.charts import Chart, report_charts
from gradegate.reports.executive import executive_summary
from gradegate.reports.formatting import amount_cn, china_time
from gradegate.reports.templating import environment, pct

MAX_ROWS = 50  # a summary table longer than this is cut (offices, deliverables): the workbook holds the rest
TOP = 20  # watch lists, level changes and rejected rows: the top of each, with its total count
SECTIONS: list[tuple[str, str, list[str], list[str], str]] = [
    ("overview", "概览", ["level_split"], ["level_summary", "stage_summary"], ""),
    (
        "watch",
        "关注清单",
        [],
        ["watch_blocked_company", "watch_near_threshold", "watch_overrides"],
        "受阻的公司级项目：下一关口尚未就绪，按金额从大到小，列出阻塞项及责任角色。"
        "临界项目：总分与阈值相差不超过 3 分，小的变化即会改变等级。",
    ),
    (
        "impact",
        "规则变更影响",
        [],
        ["impact_rules", "impact_summary", "impact_changes", "impact_criteria"],
        "先列出规则改了什么，再列出因此改变等级的项目：同一组合分别按现行规则集 (A) 与候选规则集 (B) 评定。",
    ),
    (
        "scores",
        "得分分布",
        ["score_distribution"],
        ["score_distribution"],
        "虚线为公司级阈值；颜色为按得分计算的等级。",
    ),
    ("offices", "办事处与地区部", ["amount_by_office"], ["office_level", "region_level"], ""),
    (
        "gates",
        "关口状态",
        ["gates_by_stage"],
        ["gate_by_stage", "missing_deliverables"],
        "每个项目的下一关口：就绪或受阻，就绪度 = 已满足条件 / 适用条件。逐项目的关口状态见 report.xlsx。",
    ),
    ("errors", "被拒记录", [], ["errors"], "这些行未参与评定与统计；请修正后重新提交。"),
]
# Lists a manager reads the top of; the workbook (and CSV) hold every row.
TOP_TABLES = {"watch_near_threshold", "watch_blocked_company", "watch_overrides", "impact_changes", "errors"}
# Free text that may run long: wraps within a bounded width; every other column keeps to one line.
LONG_COLUMNS = {"project_name", "blocking", "owners", "top_missing", "override_reason", "message", "change", "before",
                "after", "accepted", "decision_authority_label"}  # fmt: skip


@dataclass
class HtmlTable:
    key: str
    title: str
    headers: list[str]
    kinds: list[str]  # per column: num, text (one line) or long (wraps in a bounded width)
    rows: list[list[str]]
    total: int
    pointer: str  # where the full table is, when the page shows part of it


@dataclass
class Section:
    key: str
    title: str
    note: str
    charts: list[Chart] = field(default_factory=list)
    tables: list[HtmlTable] = field(default_factory=list)


def render_html(report: Report, max_rows: int = MAX_ROWS, top: int = TOP) -> str:
    charts = {c.key: c for c in report_charts(report)}
    sections = []
    for key, title, chart_keys, table_keys, note in SECTIONS:
        present = [k for k in table_keys if k in report.tables]
        if not present:
            continue
        tables = [html_table(report, k, top if k in TOP_TABLES else max_rows) for k in present]
        sections.append(Section(key, title, note, [charts[c] for c in chart_keys], tables))
    decided = [k for k in report.tables if k.startswith("table_")]  # decision tables the portfolio carries
    if decided:
        note = "投资组合带有决策表的输入列时，逐项目给出其结果，并按办事处计数。"
        sections.insert(
            -1, Section("decision_tables", "决策表", note, [], [html_table(report, k, max_rows) for k in decided])
        )
    view = {
        "source_name": Path(report.source).name if report.source else "(上传)",
        "generated_at": china_time(report.generated_at),
        "generated_at_iso": report.generated_at.isoformat(),
        "grading_ruleset": _ruleset(report.grading.identity),
        "gates_ruleset": _ruleset(report.gates.identity),
        "compare_ruleset": report.impact and f"{report.impact.version_b}",
        "read": report.read,
        "graded": report.graded,
        "rejected": report.rejected,
        "threshold": report.threshold,
        "summary": executive_summary(report),
        "warnings": report.warnings,
        "sections": sections,
    }
    return environment().get_template("report.html").render(r=view)


def _ruleset(identity: Any) -> str:
    return f"{identity.name} {identity.version} ({identity.short_hash})"


def html_table(report: Report, key: str, max_rows: int) -> HtmlTable:
    frame = report.table(key)
    columns = [c for c in frame.columns if c not in CODE_COLUMNS]
    criteria = {c.code: c.label for c in report.grading.rules.criteria}
    levels = report.grading.rules.level_labels
    shown = frame.head(max_rows)
    rows = [
        [fmt_cell(col, v) for col, v in zip(columns, values, strict=True)]
        for values in shown[columns].itertuples(index=False)
    ]
    kinds = [_kind(frame[c]) for c in columns]
    # Amounts carry their unit in each cell (万元/亿元), not in the header.
    headers = [header(c, criteria, levels).replace("(元)", "") for c in columns]
    pointer = ""
    if len(frame) > len(rows):
        where = "errors.csv" if key == "errors" else f"report.xlsx 工作表「{TITLES[key]}」与 csv/{key}.csv"
        pointer = f"显示前 {len(rows)} 项，共 {len(frame)} 项；完整清单见 {where}"
    return HtmlTable(key, TITLES[key], headers, kinds, rows, len(frame), pointer)


def _kind(column: pd.Series) -> str:
    if column.name in LONG_COLUMNS:
        return "long"
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return "num"
    return "text"


def fmt_cell(column: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if column.endswith("_share") or column == "readiness":
            return pct(value)
        if column.startswith("amount"):
            return amount_cn(value)
        if isinstance(value, float) and not float(value).is_integer():
            return f"{value:.2f}"
        return f"{value:.0f}"
    return str(value)
