"""The standalone HTML report: jinja2 (the shared autoescaping Environment),
inline CSS and inline SVG charts, Chinese headers, printable.

Long tables are cut at `max_rows` in the HTML (a manager reads the top of a
list; the workbook and the CSV files hold every row) and say so.
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
from gradegate.reports.templating import environment, money, pct

MAX_ROWS = 500
SECTIONS: list[tuple[str, str, list[str], list[str], str]] = [
    ("overview", "概览", ["level_split"], ["level_summary", "stage_summary"], ""),
    (
        "scores",
        "得分分布",
        ["score_distribution"],
        ["score_distribution"],
        "虚线为公司级阈值；颜色为按得分计算的等级。",
    ),
    (
        "offices",
        "办事处与地区部",
        ["amount_by_office"],
        ["office_level", "region_level"],
        "金额单位：元（图中为万元）。",
    ),
    (
        "watch",
        "关注清单",
        [],
        ["watch_near_threshold", "watch_blocked_company", "watch_overrides"],
        "临界项目：总分与阈值相差不超过 3 分，小的变化即会改变等级。"
        "受阻的公司级项目：下一关口尚未就绪，列出阻塞项及责任角色。",
    ),
    (
        "gates",
        "关口状态",
        ["gates_by_stage"],
        ["gate_by_stage", "missing_deliverables", "gate_status"],
        "每个项目的下一关口：就绪或受阻，就绪度 = 已满足条件 / 适用条件。",
    ),
    (
        "impact",
        "规则变更影响",
        [],
        ["impact_summary", "impact_changes", "impact_criteria"],
        "同一组合分别按现行规则集 (A) 与候选规则集 (B) 评定。",
    ),
    ("grading", "项目等级评定表", [], ["grading"], ""),
    ("errors", "被拒记录", [], ["errors"], "这些行未参与评定与统计；请修正后重新提交。"),
]


@dataclass
class HtmlTable:
    key: str
    title: str
    headers: list[str]
    numeric: list[bool]
    rows: list[list[str]]
    total: int


@dataclass
class Section:
    key: str
    title: str
    note: str
    charts: list[Chart] = field(default_factory=list)
    tables: list[HtmlTable] = field(default_factory=list)


def render_html(report: Report, max_rows: int = MAX_ROWS) -> str:
    charts = {c.key: c for c in report_charts(report)}
    sections = []
    for key, title, chart_keys, table_keys, note in SECTIONS:
        present = [k for k in table_keys if k in report.tables]
        if not present:
            continue
        tables = [html_table(report, k, max_rows) for k in present]
        sections.append(Section(key, title, note, [charts[c] for c in chart_keys], tables))
    decided = [k for k in report.tables if k.startswith("table_")]  # decision tables the portfolio carries
    if decided:
        note = "投资组合带有决策表的输入列时，逐项目给出其结果，并按办事处计数。"
        sections.insert(
            -1, Section("decision_tables", "决策表", note, [], [html_table(report, k, max_rows) for k in decided])
        )
    view = {
        "source_name": Path(report.source).name if report.source else "(上传)",
        "generated_at": report.generated_at.strftime("%Y-%m-%d %H:%M:%S %z"),
        "generated_at_iso": report.generated_at.isoformat(),
        "grading_ruleset": _ruleset(report.grading.identity),
        "gates_ruleset": _ruleset(report.gates.identity),
        "compare_ruleset": report.impact and f"{report.impact.version_b}",
        "read": report.read,
        "graded": report.graded,
        "rejected": report.rejected,
        "threshold": report.threshold,
        "total_amount": money(float(report.table("grading")["amount_rmb"].sum())) + " 元",
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
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) for c in columns]
    return HtmlTable(key, TITLES[key], [header(c, criteria, levels) for c in columns], numeric, rows, len(frame))


def fmt_cell(column: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if column.endswith("_share") or column == "readiness":
            return pct(value)
        if column.startswith("amount"):
            return money(value)
        if isinstance(value, float) and not float(value).is_integer():
            return f"{value:.2f}"
        return f"{value:.0f}"
    return str(value)
