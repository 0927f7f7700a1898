"""Grading on fields the rule file adds (issue 9, item 8): an analyst declares 客户信用等级 and
合作年限 under `fields`, scores them with two criteria, and grades through the CLI, the API and
the batch path, with parity — no Python."""

from __future__ import annotations

import csv
from pathlib import Path

import httpx
import pandas as pd
import pytest

from gradegate.scoring import GradingRuleSet, InputError, RuleDefinitionError, grade_frame, load_rulesets
from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import run_cli

NEW_FIELDS = """
fields:
  customer_credit: {type: enum, label: 客户信用等级, values: {a: A级, b: B级, c: C级}}
  partner_years: {type: integer, label: 合作年限, min: 0, max: 50}
"""
NEW_CRITERIA = """
  - code: credit
    label: 客户信用
    field: customer_credit
    values:
      a: {label: A级, points: 6}
      b: {label: B级, points: 3}
      c: {label: C级, points: 0}

  - code: partnership
    label: 合作年限
    field: partner_years
    bands:
      - {from: 0, below: 3, points: 0}
      - {from: 3, points: 4}
"""
BASE = {
    "project_id": "NF-1",
    "amount_rmb": "3,000,000",
    "strategic_status": "important",
    "network_position": "首次入网",
    "tech_maturity": "mature",
    "risk_scope": "低", "risk_legal": "低", "risk_cost": "中", "risk_contract_terms": "低", "risk_supplier": "低",
    "external_service_amount_rmb": "100000",
    "expedite": "none",
    "product_line_count": "1",
}  # fmt: skip
RECORDS = [
    {**BASE, "project_id": "NF-1", "customer_credit": "A级", "partner_years": "5"},
    {**BASE, "project_id": "NF-2", "customer_credit": "c", "partner_years": "1"},
    {**BASE, "project_id": "NF-3", "customer_credit": "b", "partner_years": "3"},
    {**BASE, "project_id": "NF-4", "customer_credit": "D级", "partner_years": "3"},  # not a code
    {**BASE, "project_id": "NF-5", "customer_credit": "a", "partner_years": "51"},  # above max
    {**BASE, "project_id": "NF-6", "partner_years": "2"},  # missing
]


@pytest.fixture
def rules_with_fields(rules_copy: Path) -> Path:
    grading = rules_copy / "grading.yaml"
    text = grading.read_text(encoding="utf-8")
    grading.write_text(
        text.replace("criteria:\n", NEW_FIELDS.lstrip() + "criteria:\n", 1) + NEW_CRITERIA, encoding="utf-8"
    )
    return rules_copy


def test_the_new_fields_are_scored_and_refused_like_any_other(rules_with_fields: Path) -> None:
    rulesets = load_rulesets(rules_with_fields)
    try:
        grading = rulesets.grading
        base = {c.code: c for c in grading.grade(RECORDS[1]).criteria}
        assert (base["credit"].points, base["partnership"].points) == (0, 0)
        first = {c.code: c for c in grading.grade(RECORDS[0]).criteria}
        assert (first["credit"].points, first["credit"].label, first["partnership"].points) == (6, "客户信用", 4)
        assert grading.grade(RECORDS[0]).total_score == grading.grade(RECORDS[1]).total_score + 10
        for record, field, reason in ((RECORDS[3], "customer_credit", "unknown_value"),
                                      (RECORDS[4], "partner_years", "out_of_range"),
                                      (RECORDS[5], "customer_credit", "missing")):  # fmt: skip
            with pytest.raises(InputError) as caught:
                grading.grade(record)
            issues = caught.value.issues
            assert [(i.field, i.reason) for i in issues] == [(field, reason)]
            if field == "customer_credit" and reason == "unknown_value":
                assert "a (A级), b (B级), c (C级)" in issues[0].accepted
    finally:
        rulesets.close()


def test_single_and_batch_paths_agree_on_the_new_fields(rules_with_fields: Path) -> None:
    grading = GradingRuleSet.load(rules_with_fields / "grading.yaml")
    try:
        batch = grade_frame(pd.DataFrame(RECORDS, dtype="str"), grading)
        graded = batch.graded.set_index("project_id")
        assert sorted(graded.index) == ["NF-1", "NF-2", "NF-3"]
        for record in RECORDS[:3]:
            single = grading.grade(record)
            row = graded.loc[record["project_id"]]
            assert int(row["total_score"]) == single.total_score
            assert int(row["points_credit"]) == {c.code: c.points for c in single.criteria}["credit"]
            assert int(row["points_partnership"]) == {c.code: c.points for c in single.criteria}["partnership"]
        errors = batch.errors.sort_values("row")
        assert list(errors["field"]) == ["customer_credit", "partner_years", "customer_credit"]
        messages = []
        for record in RECORDS[3:]:
            with pytest.raises(InputError) as caught:
                grading.grade(record)
            messages += [i.message for i in caught.value.issues]
        assert list(errors["message"]) == messages
    finally:
        grading.close()


def test_grading_on_the_new_fields_through_the_cli_and_the_api(rules_with_fields: Path, tmp_path: Path) -> None:
    source = tmp_path / "projects.csv"
    columns = sorted({k for r in RECORDS for k in r})
    with open(source, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        writer.writerows(RECORDS)
    result = run_cli("grade", source, "-o", tmp_path / "out.csv", "--rules", rules_with_fields)
    assert result.returncode == 3, result.stderr
    with open(tmp_path / "out.csv", encoding="utf-8-sig") as fh:
        cli_rows = {r["project_id"]: r for r in csv.DictReader(fh)}
    assert sorted(cli_rows) == ["NF-1", "NF-2", "NF-3"]
    with LiveServer(Settings(db_path=tmp_path / "d.db", reload_poll_s=0, rules_dir=rules_with_fields)) as live:
        headers = auth(live.keys["submitter"])
        for record in RECORDS[:3]:
            response = httpx.post(f"{live.url}/v1/grade", json=record, headers=headers, timeout=30)
            assert response.status_code == 200, response.text
            body = response.json()
            points = {c["code"]: c["points"] for c in body["criteria"]}
            row = cli_rows[record["project_id"]]
            assert body["total_score"] == int(row["total_score"])
            assert (points["credit"], points["partnership"]) == (
                int(row["points_credit"]),
                int(row["points_partnership"]),
            )
        bad = httpx.post(f"{live.url}/v1/grade", json=RECORDS[3], headers=headers, timeout=30)
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "customer_credit"
        batch = httpx.post(f"{live.url}/v1/grade/batch", json={"items": RECORDS}, headers=headers, timeout=30)
        assert batch.status_code == 200
        assert (batch.json()["graded"], batch.json()["failed"]) == (3, 3)


def test_a_field_that_shadows_the_contract_is_refused(rules_copy: Path) -> None:
    grading = rules_copy / "grading.yaml"
    text = grading.read_text(encoding="utf-8")
    shadow = "fields:\n  amount_rmb: {type: number, label: 金额}\ncriteria:\n"
    grading.write_text(text.replace("criteria:\n", shadow, 1), encoding="utf-8")
    with pytest.raises(RuleDefinitionError) as caught:
        load_rulesets(rules_copy)
    assert [i.reason for i in caught.value.issues] == ["duplicate_field"]
