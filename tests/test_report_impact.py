"""Rule-change impact: the sample portfolio under the default rules (A) and under
a copy that differs by one weight (B: 战略核心 15 → 25 points)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.helpers import DATA, RULES, run_cli

SAMPLE = DATA / "sample_portfolio.csv"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("impact")
    candidate = base / "rules_b"
    shutil.copytree(RULES, candidate)  # the whole folder: scenarios/ and tables/ included
    text = (candidate / "grading.yaml").read_text(encoding="utf-8")
    assert text.count("core: {label: 战略核心, points: 15}") == 1
    text = text.replace("core: {label: 战略核心, points: 15}", "core: {label: 战略核心, points: 25}")
    text = text.replace('version: "2026.11-1"', 'version: "2026.11-candidate"')
    (candidate / "grading.yaml").write_text(text, encoding="utf-8")
    result = run_cli("report", SAMPLE, "-o", base / "out", "--rules", RULES, "--compare-rules", candidate)
    assert result.returncode == 3, result.stderr
    return base / "out"


def csv(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "csv" / f"{name}.csv", encoding="utf-8-sig")


def test_deltas_per_criterion(out: Path) -> None:
    graded = csv(out, "grading").set_index("row")
    projects = csv(out, "impact_projects").set_index("row")
    assert set(projects.index) == set(graded.index)
    core = graded["points_strategic"] == 15
    assert core.sum() > 0
    assert (projects.loc[core[core].index, "delta_strategic"] == 10).all()
    assert (projects.loc[core[~core].index, "delta_strategic"] == 0).all()
    others = [c for c in projects.columns if c.startswith("delta_") and c != "delta_strategic"]
    assert (projects[others] == 0).all().all()
    assert (projects["delta"] == projects["total_b"] - projects["total_a"]).all()
    criteria = csv(out, "impact_criteria").set_index("criterion")
    assert criteria.at["strategic", "projects_changed"] == core.sum()
    assert criteria.at["strategic", "mean_delta"] == pytest.approx(10 * core.mean())
    assert criteria.at["total", "mean_delta"] == pytest.approx(10 * core.mean())


def test_level_changes_both_ways_counted(out: Path) -> None:
    graded = csv(out, "grading").set_index("row")
    new_total = graded["total_score"] + 10 * (graded["points_strategic"] == 15)
    computed_b = (new_total >= 40).map({True: "company", False: "office"})
    level_b = graded["override_level"].where(graded["override_level"].notna(), computed_b)
    moved = graded.index[level_b != graded["level"]]
    changes = csv(out, "impact_changes")
    assert len(moved) > 0
    assert sorted(changes["row"]) == sorted(moved)
    assert set(changes["direction"]) == {"up"}  # a larger weight only lifts projects
    summary = csv(out, "impact_summary").iloc[0]
    assert (summary["up"], summary["down"], summary["compared"]) == (len(moved), 0, len(graded))
    assert (summary["version_a"], summary["version_b"]) == ("2026.11-1", "2026.11-candidate")


def test_in_html_and_workbook(out: Path) -> None:
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "规则变更影响" in html and 'data-table="impact_changes"' in html and 'data-table="impact_criteria"' in html
    assert "2026.11-candidate" in html
    # What changed in the rules is stated before who changes level.
    assert html.index('data-table="impact_rules"') < html.index('data-table="impact_changes"')
    rules = csv(out, "impact_rules")
    assert rules.values.tolist() == [
        ["规则集版本", "2026.11-1", "2026.11-candidate"],
        ["战略地位 · core", "战略核心 15 分", "战略核心 25 分"],
    ]
    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    assert {"规则变更影响汇总", "等级变化项目", "分项得分变化", "逐项目得分变化"} <= set(book.sheetnames)
    changes = pd.read_excel(out / "report.xlsx", sheet_name="等级变化项目")
    assert set(changes["变化方向"]) == {"升为公司级"}
    assert len(changes) == len(csv(out, "impact_changes"))


def test_only_one_direction_when_weight_drops(tmp_path: Path) -> None:
    """And the other way: a smaller weight only lowers projects (office level after the change)."""
    candidate = tmp_path / "rules_c"
    shutil.copytree(RULES, candidate)  # the whole folder: scenarios/ and tables/ included
    text = (candidate / "grading.yaml").read_text(encoding="utf-8")
    (candidate / "grading.yaml").write_text(
        text.replace("core: {label: 战略核心, points: 15}", "core: {label: 战略核心, points: 5}"), encoding="utf-8"
    )
    result = run_cli("report", SAMPLE, "-o", tmp_path / "out", "--compare-rules", candidate)
    assert result.returncode == 3, result.stderr
    changes = pd.read_csv(tmp_path / "out" / "csv" / "impact_changes.csv", encoding="utf-8-sig")
    assert len(changes) > 0 and set(changes["direction"]) == {"down"}
    assert set(changes["direction_label"]) == {"降为办事处级"}
