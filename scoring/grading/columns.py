"""The graded table's columns: their codes (CSV) and Chinese headers (the workbook), and how a
table's headers map to grading fields (so a graded workbook reads back as input)."""

from __future__ import annotations

from collections.abc import Iterable

from gradegate.scoring.grading.ruleset import GradingRuleSet
from gradegate.scoring.headers import HeaderMap, map_headers
from gradegate.scoring.vocabulary import AMOUNT_FIELDS, GRADING_HEADERS, RISK_FACTORS

# The input fields, repeated in the graded table so that it grades the same when read back.
INPUT_COLUMNS = [
    "amount_rmb", "strategic_status", "network_position", "tech_maturity", *(f"risk_{f}" for f in RISK_FACTORS),
    "external_service_amount_rmb", "expedite", "product_line_count",
]  # fmt: skip
RESULT_HEADERS = {
    "total_score": "总分",
    "level": "等级代码",
    "computed_level": "计算等级代码",
    "risk_level": "风险等级代码",
    "margin": "距阈值",
    "level_label": "最终等级",
    "computed_level_label": "计算等级",
    "row": "行号",
    "ruleset_name": "规则集",
    "ruleset_version": "规则集版本",
    "ruleset_hash": "规则集哈希",
}


def output_columns(ruleset: GradingRuleSet) -> list[str]:
    """The graded table's columns: grading.md's first, then labels, override, context, the input, traceability."""
    points = [f"points_{c.code}" for c in ruleset.rules.criteria]
    return [
        "project_id", "total_score", "level", "computed_level", "risk_level", "margin", *points,
        "level_label", "computed_level_label", "override_level", "override_approved_by", "override_reason",
        "project_name", "office", "region", "stage", *INPUT_COLUMNS, "row", "ruleset_name", "ruleset_version",
        "ruleset_hash",
    ]  # fmt: skip


def output_headers(ruleset: GradingRuleSet) -> dict[str, str]:
    """code → the Chinese header of the graded workbook; amounts say their unit, points name their criterion."""
    headers = {**GRADING_HEADERS, **RESULT_HEADERS}
    headers.update({name: f"{GRADING_HEADERS[name]}(元)" for name in AMOUNT_FIELDS})
    headers.update({f"points_{c.code}": f"{c.label}得分" for c in ruleset.rules.criteria})
    return {column: headers[column] for column in output_columns(ruleset)}


def map_input_headers(columns: Iterable[str], ruleset: GradingRuleSet) -> HeaderMap:
    """A grading table's headers (codes, Chinese names, units) → field codes; the graded table's own
    result columns pass through silently."""
    results = [c for c in output_columns(ruleset) if c not in GRADING_HEADERS]
    headers = output_headers(ruleset)
    return map_headers(
        columns, GRADING_HEADERS, amounts=AMOUNT_FIELDS, passthrough=[*results, *(headers[c] for c in results)]
    )
