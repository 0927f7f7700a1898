"""Scenario tests beside the rules: `gradegate rules test` through the real CLI, and the matcher."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from gradegate.scoring.lifecycle.scenarios import mismatches
from tests.helpers import RULES, run_cli


def _count_cases(folder: Path) -> int:
    return sum(len(re.findall(r"^- name:", p.read_text(encoding="utf-8"), re.M)) for p in folder.glob("*.yaml"))


def test_default_scenarios_all_pass() -> None:
    result = run_cli("rules", "test")
    assert result.returncode == 0, result.stderr
    total = _count_cases(RULES / "scenarios")
    assert total >= 60
    assert result.stdout.strip() == f"场景：通过 {total:,} · 失败 0"


def test_default_scenarios_pin_every_band_edge_and_the_threshold() -> None:
    text = (RULES / "scenarios" / "grading.yaml").read_text(encoding="utf-8")
    for edge in ("999999", "1000000", "4999999", "5000000", "19999999", "20000000", "49999999", "50000000"):
        assert f"amount_rmb: {edge}}}" in text, edge
    for edge in ("499999", "500000", "2999999", "3000000", "9999999", "10000000"):
        assert f"external_service_amount_rmb: {edge}}}" in text, edge
    assert "total_score: 39, level: office" in text and "total_score: 40, level: company" in text


def test_a_changed_threshold_fails_the_scenarios_with_expected_and_actual(rules_copy: Path) -> None:
    grading = rules_copy / "grading.yaml"
    grading.write_text(grading.read_text(encoding="utf-8").replace("threshold: 40", "threshold: 41"), encoding="utf-8")
    result = run_cli("rules", "test", "--rules", rules_copy)
    assert result.returncode == 1
    assert "total 40 is company-level, exactly at the threshold (grading)" in result.stderr
    assert "失败 scenarios/grading.yaml:" in result.stderr
    assert "level: 应为 company，实为 office" in result.stderr
    assert "margin: 应为 0，实为 -1" in result.stderr
    assert re.search(r"^场景：通过 \d+ · 失败 3$", result.stdout, re.M), result.stdout


def test_a_moved_band_edge_is_caught(rules_copy: Path) -> None:
    grading = rules_copy / "grading.yaml"
    text = grading.read_text(encoding="utf-8").replace("below: 1000000, points: 5", "below: 1000001, points: 5")
    grading.write_text(text.replace("{from: 1000000, below", "{from: 1000001, below"), encoding="utf-8")
    result = run_cli("rules", "test", "--rules", rules_copy)
    assert result.returncode == 1
    assert "amount 1,000,000 scores 10 (grading)" in result.stderr
    assert "total_score: 应为 17，实为 12" in result.stderr


def test_expect_error_mismatch_and_unexpected_error_are_failures(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("scenarios"))
    (folder / "scenarios").mkdir()
    (folder / "scenarios" / "mine.yaml").write_text(
        "- name: wants an error that does not come\n"
        "  decision: grading\n"
        "  input: {project_id: A, amount_rmb: 1, strategic_status: core, network_position: new_entry,"
        " tech_maturity: mature, risk: {scope: low, legal: low, cost: low, contract_terms: low, supplier: low},"
        " external_service_amount_rmb: 0, expedite: none, product_line_count: 1}\n"
        "  expect_error: {field: amount_rmb}\n"
        "- name: wants an answer but the input is bad\n"
        "  decision: grading\n"
        "  input: {project_id: B}\n"
        "  expect: {level: office}\n"
        "- name: the right error\n"
        "  decision: grading\n"
        "  input: {project_id: C}\n"
        "  expect_error: {field: amount_rmb, reason: missing}\n",
        encoding="utf-8",
    )
    result = run_cli("rules", "test", "--rules", folder)
    assert result.returncode == 1
    assert "scenarios/mine.yaml:1: wants an error that does not come" in result.stderr
    assert "应报错 {field: amount_rmb}，实得答复 {level: " in result.stderr
    assert "scenarios/mine.yaml:5: wants an answer but the input is bad" in result.stderr
    assert "应为 {level: office}，实为输入错误：" in result.stderr
    assert result.stdout.strip() == "场景：通过 1 · 失败 2"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- name: x\n  decision: pricing\n  input: {}\n  expect: {}\n", "unknown decision 'pricing'"),
        ("- name: x\n  decision: grading\n  input: {}\n", "give exactly one of `expect` and `expect_error`"),
        ("- name: x\n  decision: grading\n  input: {}\n  expect: {}\n  expected: {}\n", "expected"),
        ("name: x\n", "a scenario file is a list of cases"),
    ],
)
def test_a_broken_scenario_file_is_named(rules_copy: Path, content: str, message: str) -> None:
    (rules_copy / "scenarios" / "broken.yaml").write_text(content, encoding="utf-8")
    result = run_cli("rules", "test", "--rules", rules_copy)
    assert result.returncode == 1
    assert "scenarios/broken.yaml" in result.stderr and message in result.stderr
    assert result.stderr.startswith("错误：规则或场景文件无效；未运行任何场景\n  ")


def test_partial_match_rules() -> None:
    actual = {"level": "office", "total": 12, "roles": [{"role": "a", "label": "A"}, {"role": "b"}], "ok": True}
    assert mismatches({"level": "office"}, actual) == []
    assert mismatches({"roles": [{"role": "a"}, {"role": "b"}]}, actual) == []
    # a list holds exactly the items given, in order
    assert mismatches({"roles": [{"role": "a"}]}, actual)
    assert mismatches({"roles": [{"role": "b"}, {"role": "a"}]}, actual)
    assert mismatches({"total": 12.0}, actual) == []
    assert mismatches({"ok": 1}, actual) == ["ok: 应为 1，实为 true"]
    assert mismatches({"nope": 1}, actual) == ["nope: 应为 1，答复中没有此键"]
    assert mismatches([1], {"a": 1}) == ["答复: 应为 [1]，实为 {a: 1}"]
    assert mismatches({"a": 1}, [1]) == ["答复: 应为对象 {a: 1}，实为 [1]"]
