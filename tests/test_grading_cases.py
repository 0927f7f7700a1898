"""The public grading cases (../shared/cases) through the real CLI and the single-record path."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from gradegate.scoring.grading.columns import output_headers
from gradegate.scoring.rulesets import load_rulesets
from gradegate.scoring.tabular import flatten, read_table
from tests.helpers import run_cli


@pytest.fixture(scope="module")
def expected(cases_dir: Path) -> pd.DataFrame:
    return pd.read_csv(cases_dir / "grading_public_expected.csv", dtype=str, keep_default_na=False)


def _assert_matches(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    got = got.astype(str).set_index("project_id")
    want = expected.set_index("project_id")
    assert sorted(got.index) == sorted(want.index)
    mismatches = {
        (pid, col): (got.at[pid, col], want.at[pid, col])
        for pid in want.index
        for col in want.columns
        if got.at[pid, col] != want.at[pid, col]
    }
    assert not mismatches


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_public_cases_through_cli(cases_dir: Path, expected: pd.DataFrame, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"graded{suffix}"
    result = run_cli("grade", cases_dir / "grading_public_input.csv", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "读取 60 · 已评定 60 · 被拒 0" in result.stderr
    if suffix == ".csv":
        got = pd.read_csv(out, dtype=str)
    else:  # the workbook's headers are Chinese, in the CSV's order
        got = pd.read_excel(out, dtype=str)
        headers = output_headers(load_rulesets().grading)
        assert list(got.columns) == list(headers.values())
        got = got.rename(columns={zh: code for code, zh in headers.items()})
    # grading.md's columns lead the table, in its order
    assert list(got.columns[: len(expected.columns)]) == list(expected.columns)
    _assert_matches(got[expected.columns], expected)


def test_public_cases_as_json_lines(cases_dir: Path, expected: pd.DataFrame, tmp_path: Path) -> None:
    """The same projects as nested JSON objects (risk and override as objects) give the same grades."""
    frame = read_table(cases_dir / "grading_public_input.csv")
    source = tmp_path / "projects.jsonl"
    with open(source, "w", encoding="utf-8") as fh:
        for row in frame.to_dict(orient="records"):
            row = {k: v for k, v in row.items() if isinstance(v, str)}
            record = {k: v for k, v in row.items() if not k.startswith(("risk_", "override_"))}
            record["risk"] = {k[5:]: v for k, v in row.items() if k.startswith("risk_")}
            if "override_level" in row:
                record["level_override"] = {
                    "level": row["override_level"],
                    "approved_by": row.get("override_approved_by"),
                    "reason": row.get("override_reason"),
                }
            assert flatten(record).keys() >= {"risk_scope", "amount_rmb"}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    out = tmp_path / "graded.csv"
    result = run_cli("grade", source, "-o", out)
    assert result.returncode == 0, result.stderr
    _assert_matches(pd.read_csv(out, dtype=str)[expected.columns], expected)


def test_public_cases_single_record_path(cases_dir: Path, expected: pd.DataFrame) -> None:
    """Each case graded alone through durable_rules, with its explanation adding up."""
    rulesets = load_rulesets()
    grading = rulesets.grading
    rows = read_table(cases_dir / "grading_public_input.csv").to_dict(orient="records")
    got = []
    for row in rows:
        result = grading.grade({k: v for k, v in row.items() if isinstance(v, str)})
        assert sum(c.points for c in result.criteria) == result.total_score
        assert all(0 <= c.points <= c.max_points for c in result.criteria)
        assert result.ruleset.hash == grading.identity.hash
        got.append(
            {
                "project_id": result.project_id,
                "total_score": result.total_score,
                "level": result.level,
                "computed_level": result.computed_level,
                "risk_level": result.risk_level,
                "margin": result.margin,
                **{f"points_{code}": p for code, p in result.points().items()},
            }
        )
    _assert_matches(pd.DataFrame(got), expected)
