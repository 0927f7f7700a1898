"""Broken reviewer rule files are refused on load, naming the file, the line and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradegate.scoring.errors import RuleDefinitionError
from gradegate.scoring.reviewers.ruleset import ReviewerRuleSet
from tests.helpers import RULES, run_cli

ORIGINAL = (RULES / "reviewers.yaml").read_text(encoding="utf-8")

CASES = [
    # (old, new, reason, words in the message)
    ("adds: [ip_signatory]}", "adds: [ipr_signatory]}", "unknown_role", ["'ipr_signatory'"]),
    (
        "base_roles: [sales_mgmt_signatory, finance_signatory]\n",
        "base_roles: [sales_mgmt_signatory, cfo]\n",
        "unknown_role",
        ["'cfo'"],
    ),
    (
        "lending: {label: 借用合同, adds: [supply_chain_signatory]}",
        "lending: {label: 借用合同, adds: [supply_chain_signatory, supply_chain_signatory]}",
        "duplicate_role",
        ["twice"],
    ),
    ("default_contract_type: direct_sale", "default_contract_type: retail", "unknown_contract_type", ["'retail'"]),
    ("when_any: [disagreement]", "when_any: [dispute]", "unknown_flag", ["'dispute'", "disagreement"]),
    ("escalate_to: senior_management", "escalate_to: board", "unknown_authority", ["'board'"]),
    ("  contract:\n    label: 合同", "  tender:\n    label: 合同", "unknown_kind", ["'tender'"]),
    ("distribution: {label: 分销,", "distribution: {label: 代理,", "ambiguous_label", ["代理"]),
    ("{code: major, label: 重大, from: 5000000,", "{code: major, label: 重大, from: -1,", "greater_than_equal", []),
    (
        "payment_terms: {label: 付款条件}",
        "payment_terms: {label: 付款条件, roles: [legal_signatory]}",
        "unknown_key",
        ["'roles'"],
    ),
]


@pytest.mark.parametrize(("old", "new", "reason", "words"), CASES, ids=[c[2] + str(i) for i, c in enumerate(CASES)])
def test_broken_rule_file_is_refused(tmp_path: Path, old: str, new: str, reason: str, words: list[str]) -> None:
    assert old in ORIGINAL, old
    path = tmp_path / "reviewers.yaml"
    path.write_text(ORIGINAL.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RuleDefinitionError) as exc:
        ReviewerRuleSet.load(path)
    found = [i for i in exc.value.issues if i.reason == reason]
    assert found, [str(i) for i in exc.value.issues]
    assert found[0].file == str(path) and found[0].line is not None
    for word in words:
        assert word in found[0].message


def test_reviewers_command_refuses_a_broken_folder(rules_copy: Path, cases_dir: Path) -> None:
    (rules_copy / "reviewers.yaml").write_text(ORIGINAL.replace("[ip_signatory]", "[ipr_signatory]"), encoding="utf-8")
    proc = run_cli("reviewers", cases_dir / "reviewers_public_input.jsonl", "--rules", rules_copy)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "reviewers.yaml:" in proc.stderr and "ipr_signatory" in proc.stderr and "Traceback" not in proc.stderr
