"""The public gate cases (../shared/cases/gates_public_*) through the real `gradegate gate-check`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_cli


def expected_part(got: Any, expected: Any) -> Any:
    """`got` reduced to the keys the expected value holds (lists keep their length)."""
    if isinstance(expected, dict) and isinstance(got, dict):
        return {k: expected_part(got.get(k), v) for k, v in expected.items()}
    if isinstance(expected, list) and isinstance(got, list):
        return [expected_part(g, e) for g, e in zip(got, expected, strict=False)] + got[len(expected) :]
    return got


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def gate_run(cases_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("gates") / "out.jsonl"
    proc = run_cli("gate-check", cases_dir / "gates_public_input.jsonl", "-o", out)
    return proc, read_jsonl(out) if out.exists() else []


def test_every_public_case_matches(gate_run, cases_dir: Path) -> None:
    proc, results = gate_run
    assert proc.returncode == 0, proc.stderr
    expected = read_jsonl(cases_dir / "gates_public_expected.jsonl")
    inputs = read_jsonl(cases_dir / "gates_public_input.jsonl")
    assert len(results) == len(expected) == len(inputs)
    for i, (got, want, given) in enumerate(zip(results, expected, inputs, strict=True)):
        assert got["project_id"] == given["project_id"], f"line {i + 1} answers another request"
        assert expected_part(got, want) == want, f"line {i + 1} ({given['project_id']})"


def test_summary_goes_to_stderr_and_stdout_stays_clean(gate_run) -> None:
    proc, _ = gate_run
    assert "读取 40 · 已决策 40 · 无效 0   规则 default-gates" in proc.stderr
    assert proc.stdout == ""  # -o given: nothing else on stdout


def test_results_carry_labels_counts_and_ruleset(gate_run) -> None:
    _, results = gate_run
    first = results[0]  # G00000, R3: customer_contract missing, cmt submitted < approved
    assert first["gate_label"] == "合同评审"
    assert first["decision_authority_label"] == "评审小组"
    assert [b["label"] for b in first["blocking"]] == ["客户合同", "刷新后的CMT"]
    assert [b["owner_role_label"] for b in first["blocking"]] == ["客户经理", "项目总监"]
    assert (first["satisfied"], first["applicable_items"]) == (1, 3)
    assert first["ruleset"]["name"] == "default-gates"
    assert first["ruleset"]["hash"].startswith("sha256:")
    for r in results:
        assert r["satisfied"] == r["applicable_items"] - len(r["blocking"])
        assert r["ready"] == (not r["blocking"])


def test_stdin_and_stdout(cases_dir: Path) -> None:
    lines = (cases_dir / "gates_public_input.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    proc = run_cli("gate-check", "-", input="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [r["project_id"] for r in out] == ["G00000", "G00001", "G00002"]


def test_gate_option_checks_that_gate_for_every_request(cases_dir: Path) -> None:
    lines = (cases_dir / "gates_public_input.jsonl").read_text(encoding="utf-8").splitlines()[:5]
    proc = run_cli("gate-check", "-", "--gate", "合同关闭", input="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert {r["gate"] for r in out} == {"CLOSURE"}
    assert all(r["decision_authority"] == "project_director" for r in out)
