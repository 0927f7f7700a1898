"""The public reviewer cases (../shared/cases/reviewers_public_*, roster_public.csv) through `gradegate reviewers`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_cli
from tests.test_gate_cases import expected_part, read_jsonl


@pytest.fixture(scope="module")
def reviewer_run(cases_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("reviewers") / "panel.jsonl"
    proc = run_cli(
        "reviewers", cases_dir / "reviewers_public_input.jsonl", "--roster", cases_dir / "roster_public.csv", "-o", out
    )
    return proc, read_jsonl(out) if out.exists() else []


def test_every_public_case_matches(reviewer_run, cases_dir: Path) -> None:
    proc, results = reviewer_run
    assert proc.returncode == 0, proc.stderr
    expected = read_jsonl(cases_dir / "reviewers_public_expected.jsonl")
    assert len(results) == len(expected) == 40
    for i, (got, want) in enumerate(zip(results, expected, strict=True)):
        assert len(got["required_roles"]) == len(want["required_roles"]), f"line {i + 1}"
        assert expected_part(got, want) == want, f"line {i + 1} ({want['id']})"
    assert "读取 40 · 已决策 40 · 无效 0   规则 default-reviewers" in proc.stderr


def test_panels_explain_themselves(reviewer_run, cases_dir: Path) -> None:
    _, results = reviewer_run
    text = (cases_dir / "roster_public.csv").read_text(encoding="utf-8")
    roster = {r["expert_id"]: r for r in csv.DictReader(text.splitlines())}
    for r in results:
        for role in r["required_roles"]:
            assert role["required_by"], f"{r['id']}: {role['role']} has no reason"
            assert role["label"].endswith("权签人")
        for a in r["assignments"]:
            if a["expert_id"] is None:
                assert a["reason"].startswith(f"{a['label']}（{a['role']}）无人可选"), a["reason"]
            else:
                assert a["name"] == roster[a["expert_id"]]["name"]
                assert a["reason"] is None
        assert r["unfilled"] == sum(1 for a in r["assignments"] if a["expert_id"] is None)
    c17 = next(r for r in results if r["id"] == "C00017")  # ip_signatory unfilled in the public roster
    ip = next(a for a in c17["assignments"] if a["role"] == "ip_signatory")
    assert ip["reason"] == (
        "知识产权权签人（ip_signatory）无人可选（地区部：华东地区部，产品线：CA系统）：名册中有 6 人担任该角色，"
        "其中 2 人不可用，3 人不负责该地区部，1 人不负责所涉产品线"
    )
    c00 = results[0]  # trial_purchase contract with legal_terms
    reasons = {x["role"]: [(y["rule"], y["code"]) for y in x["required_by"]] for x in c00["required_roles"]}
    assert reasons["legal_signatory"] == [("base", "contract"), ("clause", "legal_terms")]
    assert reasons["supply_chain_signatory"] == [("contract_type", "trial_purchase")]


def test_default_roster_serves_the_public_requests(cases_dir: Path) -> None:
    proc = run_cli("reviewers", cases_dir / "reviewers_public_input.jsonl")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 40
