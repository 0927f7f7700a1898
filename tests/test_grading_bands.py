"""Every band edge and enum value of grading.md, through both evaluation paths.

Expected points are grading.md's tables, written out here independently of the rule file.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from gradegate.scoring.grading.frame import grade_frame
from gradegate.scoring.rulesets import load_rulesets

BASE = {
    "project_id": "EDGE",
    "amount_rmb": "1",
    "strategic_status": "general",
    "network_position": "sole_supplier",
    "tech_maturity": "mature",
    "risk_scope": "low",
    "risk_legal": "low",
    "risk_cost": "low",
    "risk_contract_terms": "low",
    "risk_supplier": "low",
    "external_service_amount_rmb": "0",
    "expedite": "none",
    "product_line_count": "1",
}

AMOUNT = [
    ("0", 5), ("999999.99", 5), ("1000000", 10), ("4,999,999", 10), ("5000000", 15), ("19999999.99", 15),
    ("20,000,000", 20), ("49999999.99", 20), ("50000000", 25), ("1e9", 25),
]  # fmt: skip
EXTERNAL = [
    ("0", 0), ("0.00", 0), ("0.01", 2), ("499999.99", 2), ("500,000", 4), ("2999999.99", 4), ("3000000", 7),
    ("9,999,999.99", 7), ("10000000", 10), ("250000000", 10),
]  # fmt: skip
PRODUCT_LINES = [("1", 1), ("2", 4), ("3", 7), ("4", 10), ("12", 10), ("3.0", 7)]
ENUMS = {
    "strategic_status": [("core", 15), ("important", 8), ("general", 2), ("战略核心", 15), ("重要", 8), ("一般", 2)],
    "network_position": [("new_entry", 10), ("minor_share", 6), ("major_share", 4), ("sole_supplier", 2),
                         ("首次入网", 10), ("份额较小", 6), ("主力供应商", 4), ("独家供应", 2)],
    "tech_maturity": [("new_technology", 10), ("major_development", 7), ("minor_customization", 4), ("mature", 1),
                      ("全新技术", 10), ("需较大开发", 7), ("少量定制", 4), ("成熟商用", 1)],
    "expedite": [("urgent", 5), ("moderate", 3), ("none", 0), ("严重赶工", 5), ("工期紧", 3), ("无", 0)],
}  # fmt: skip
CRITERION_OF = {
    "amount_rmb": "amount",
    "external_service_amount_rmb": "external",
    "product_line_count": "product_lines",
    "strategic_status": "strategic",
    "network_position": "network",
    "tech_maturity": "tech",
    "expedite": "expedite",
}

CASES = (
    [("amount_rmb", v, p) for v, p in AMOUNT]
    + [("external_service_amount_rmb", v, p) for v, p in EXTERNAL]
    + [("product_line_count", v, p) for v, p in PRODUCT_LINES]
    + [(field, v, p) for field, values in ENUMS.items() for v, p in values]
)


def _risk_expected(values: tuple[str, ...]) -> tuple[str, int]:
    highs, mediums = values.count("high"), values.count("medium")
    if highs >= 2:
        return "very_high", 15
    if highs == 1:
        return "high", 10
    if mediums >= 2:
        return "medium", 5
    return "low", 1


RISK_CASES = list(itertools.product(["low", "medium", "high"], repeat=5))


@pytest.fixture(scope="module")
def grading():
    return load_rulesets().grading


@pytest.mark.parametrize(("field", "value", "points"), CASES)
def test_band_and_value_points_single_record(grading, field: str, value: str, points: int) -> None:
    result = grading.grade({**BASE, field: value})
    assert result.points()[CRITERION_OF[field]] == points


def test_band_and_value_points_batch(grading) -> None:
    rows = [{**BASE, "project_id": f"E{i}", field: value} for i, (field, value, _) in enumerate(CASES)]
    graded = grade_frame(pd.DataFrame(rows, dtype="str"), grading).graded
    assert len(graded) == len(CASES)
    got = [graded.iloc[i][f"points_{CRITERION_OF[field]}"] for i, (field, _, _) in enumerate(CASES)]
    assert got == [points for _, _, points in CASES]


def test_every_risk_combination_both_paths(grading) -> None:
    """All 243 combinations of the five risk factors: derived level and points, single and batch."""
    rows = []
    for i, values in enumerate(RISK_CASES):
        rows.append({**BASE, "project_id": f"R{i}", **{f"risk_{f}": v for f, v in zip(
            ("scope", "legal", "cost", "contract_terms", "supplier"), values, strict=True)}})  # fmt: skip
    graded = grade_frame(pd.DataFrame(rows, dtype="str"), grading).graded
    for i, values in enumerate(RISK_CASES):
        level, points = _risk_expected(values)
        single = grading.grade(rows[i])
        assert (single.risk_level, single.points()["risk"]) == (level, points), values
        assert (graded.at[i, "risk_level"], graded.at[i, "points_risk"]) == (level, points), values


# amount 5 + core 15 + new_technology 10 + low risk 1 + external 0 = 31; the rest decides the edge.
EDGES = [
    (39, "office", {"network_position": "sole_supplier", "expedite": "urgent", "product_line_count": "1"}),  # +2+5+1
    (40, "company", {"network_position": "sole_supplier", "expedite": "moderate", "product_line_count": "2"}),  # +2+3+4
    (41, "company", {"network_position": "minor_share", "expedite": "moderate", "product_line_count": "1"}),  # +6+3+1
]


@pytest.mark.parametrize(("total", "level", "changes"), EDGES)
def test_threshold_edge_both_paths(grading, total: int, level: str, changes: dict[str, str]) -> None:
    record = {**BASE, "strategic_status": "core", "tech_maturity": "new_technology", **changes}
    result = grading.grade(record)
    assert (result.total_score, result.computed_level, result.level, result.margin) == (total, level, level, total - 40)
    row = grade_frame(pd.DataFrame([record], dtype="str"), grading).graded.iloc[0]
    assert (row["total_score"], row["computed_level"], row["margin"]) == (total, level, total - 40)
