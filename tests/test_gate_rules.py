"""Broken gate rule files: each mistake is refused on load with a message that names the file and line;
and an edited rule file changes decisions without any Python."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gradegate.scoring.errors import RuleDefinitionError
from gradegate.scoring.gates.ruleset import GateRuleSet
from tests.helpers import RULES, run_cli

ORIGINAL = (RULES / "gates.yaml").read_text(encoding="utf-8")


def broken(tmp_path: Path, old: str, new: str) -> Path:
    assert old in ORIGINAL, old
    path = tmp_path / "gates.yaml"
    path.write_text(ORIGINAL.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


CASES = [
    # (old, new, reason, words in the message, text on the line it must point at)
    ("prerequisites: [SDP3]", "prerequisites: [SDP4]", "unknown_gate", ["'SDP4'", "SDP1"], "[SDP4]"),
    ("    prerequisites: [SDP1]\n", "    prerequisites: [R4]\n", "prerequisite_cycle", ["cycle", "R1"], None),
    ("prerequisites: [ACCEPTANCE]", "prerequisites: [ACCEPTANCE, ACCEPTANCE]", "duplicate_prerequisite", [], None),
    (
        "only_if: {bid: true}}\n      - {deliverable: risk_register",
        "only_if: {bidding: true}}\n      - {deliverable: risk_register",
        "unknown_flag",
        ["'bidding'"],
        "bidding",
    ),
    (
        "escalate_when_any: [unresolved_disagreement, high_risk]",
        "escalate_when_any: [disputed, high_risk]",
        "unknown_flag",
        ["'disputed'"],
        "disputed",
    ),
    ("owner: rnd_manager", "owner: rd_manager", "unknown_role", ["'rd_manager'", "roles"], "rd_manager"),
    ("{authority: delivery_pm}", "{authority: pmo}", "unknown_authority", ["'pmo'"], "pmo"),
    (
        "required: submitted, owner: project_director}",
        "required: signed, owner: project_director}",
        "unknown_status",
        ["'signed'", "approved"],
        "signed",
    ),
    (
        "{deliverable: handover_report, required: approved, owner: delivery_pm}",
        "{deliverable: acceptance_report, required: approved, owner: delivery_pm}",
        "duplicate_deliverable",
        ["acceptance_report", "twice", "ACCEPTANCE"],
        None,
    ),
    (
        "{deliverable: final_payment,",
        "{deliverable: final_paymnt,",
        "unknown_deliverable",
        ["final_paymnt"],
        "final_paymnt",
    ),
    ("label: 合同关闭\n", "label: 验收\n", "ambiguous_label", ["验收", "ACCEPTANCE"], None),
    ("stage: closure", "stage: archive", "unknown_stage", ["'archive'"], "archive"),
    (
        "    decision: {by_level: {company: msmt, office: office_director}}\n    items:\n      - {deliverable: plan",
        "    decision: {by_level: {company: msmt}}\n    items:\n      - {deliverable: plan",
        "levels",
        ["office"],
        None,
    ),
    ("    decision: {authority: project_director}", "    decision: {}", "value_error", ["authority"], None),
    ("  - code: CLOSURE", "  - code: ACCEPTANCE", "duplicate_gate", ["twice"], None),
    (
        "{deliverable: cmt, required: approved, owner: project_director}",
        "{deliverable: cmt, required: approved, owner: project_director, when: {bid: true}}",
        "unknown_key",
        ["'when'"],
        "when:",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "reason", "words", "line_text"), CASES, ids=[c[2] + str(i) for i, c in enumerate(CASES)]
)
def test_broken_rule_file_is_refused(
    tmp_path: Path, old: str, new: str, reason: str, words: list[str], line_text: str | None
) -> None:
    path = broken(tmp_path, old, new)
    with pytest.raises(RuleDefinitionError) as exc:
        GateRuleSet.load(path)
    found = [i for i in exc.value.issues if i.reason == reason]
    assert found, [str(i) for i in exc.value.issues]
    issue = found[0]
    assert issue.file == str(path) and issue.line is not None
    for word in words:
        assert word in issue.message
    if line_text is not None:
        assert issue.line == line_of(path, line_text)


def test_forward_prerequisite_without_cycle(tmp_path: Path) -> None:
    path = tmp_path / "gates.yaml"
    extra = "  - code: AUDIT\n    label: 审计\n    stage: closure\n    decision: {authority: project_director}\n"
    path.write_text(ORIGINAL.replace("prerequisites: [SDP3]", "prerequisites: [SDP3, AUDIT]") + extra, encoding="utf-8")
    with pytest.raises(RuleDefinitionError) as exc:
        GateRuleSet.load(path)
    assert [i.reason for i in exc.value.issues] == ["prerequisite_order"]


def test_rules_check_and_gate_check_refuse_a_broken_folder(rules_copy: Path, cases_dir: Path) -> None:
    (rules_copy / "gates.yaml").write_text(
        ORIGINAL.replace("owner: rnd_manager", "owner: rd_manager"), encoding="utf-8"
    )
    proc = run_cli("rules", "check", "--rules", rules_copy)
    assert proc.returncode == 1
    assert "gates.yaml:" in proc.stderr and "rd_manager" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("gate-check", cases_dir / "gates_public_input.jsonl", "--rules", rules_copy)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "rd_manager" in proc.stderr and "Traceback" not in proc.stderr


def test_an_edited_rule_file_changes_decisions_without_python(rules_copy: Path) -> None:
    # The process office adds a deliverable to R3 and lowers the CMT requirement.
    edited = ORIGINAL.replace(
        "      - {deliverable: cmt, required: approved, owner: project_director}",
        "      - {deliverable: cmt, required: submitted, owner: project_director}\n"
        "      - {deliverable: legal_opinion, required: approved, owner: account_manager, only_if: {high_risk: true}}",
    ).replace("  final_payment: 尾款回收", "  final_payment: 尾款回收\n  legal_opinion: 法务意见书")
    (rules_copy / "gates.yaml").write_text(edited, encoding="utf-8")
    assert run_cli("rules", "check", "--rules", rules_copy).returncode == 0
    request = {
        "project_id": "P1",
        "gate": "R3",
        "passed_gates": ["SDP2"],
        "flags": {"high_risk": True},
        "deliverables": {"customer_contract": "submitted", "cmt": "submitted"},
    }
    proc = run_cli("gate-check", "-", "--rules", rules_copy, input=json.dumps(request) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [(b["code"], b["label"], b["owner_role"]) for b in out["blocking"]] == [
        ("legal_opinion", "法务意见书", "account_manager")
    ]


def test_unmet_prerequisites_are_listed_in_gate_order_whatever_the_file_order(tmp_path: Path) -> None:
    """gates.md: blocking lists "prerequisites first in gate order" — the lifecycle's, not the file's list."""
    from gradegate.scoring.rulesets import load_rulesets

    gates = GateRuleSet.load(broken(tmp_path, "prerequisites: [R1, R2]", "prerequisites: [R2, R1]"))
    request = {"project_id": "P1", "gate": "SDP2", "level": "company", "flags": {"bid": True}}
    result = gates.check(request, load_rulesets().grading)
    assert [(b.code, b.reason) for b in result.blocking] == [
        ("R1", "prerequisite_not_passed"),
        ("R2", "prerequisite_not_passed"),
    ]
