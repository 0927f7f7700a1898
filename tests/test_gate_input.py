"""Gate readiness on single requests: what each input means, and a clear error for each bad one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gradegate.scoring.errors import InputError
from gradegate.scoring.gates.ruleset import GateRuleSet
from gradegate.scoring.grading.ruleset import GradingRuleSet
from tests.helpers import RULES

GRADING_COMPANY = {
    "amount_rmb": "60,000,000",
    "strategic_status": "core",
    "network_position": "new_entry",
    "tech_maturity": "new_technology",
    "risk": {"scope": "high", "legal": "high", "cost": "high", "contract_terms": "high", "supplier": "high"},
    "external_service_amount_rmb": 0,
    "expedite": "urgent",
    "product_line_count": 5,
}


@pytest.fixture(scope="module")
def grading() -> Iterator[GradingRuleSet]:
    g = GradingRuleSet.load(RULES / "grading.yaml")
    yield g
    g.close()


@pytest.fixture(scope="module")
def gates() -> Iterator[GateRuleSet]:
    g = GateRuleSet.load(RULES / "gates.yaml")
    yield g
    g.close()


def check(gates: GateRuleSet, rules: GradingRuleSet, **request: Any) -> Any:
    return gates.check({"project_id": "P1", **request}, rules)


def issues(gates: GateRuleSet, rules: GradingRuleSet, **request: Any) -> dict[str, Any]:
    with pytest.raises(InputError) as exc:
        check(gates, rules, **request)
    return {i.field: i for i in exc.value.issues}


def test_sdp1_ready_with_everything_approved_in_chinese(gates, grading) -> None:
    r = check(
        gates,
        grading,
        gate="立项决策",
        level="办事处级",
        deliverables={"planning_report": "已批准", "initiation_form": " Approved ", "grading_form": "APPROVED"},
    )
    assert (r.gate, r.ready, r.level, r.level_label) == ("SDP1", True, "office", "办事处级")
    assert (r.decision_authority, r.decision_authority_label) == ("office_director", "办事处主任")
    assert (r.satisfied, r.applicable_items) == (3, 3)


def test_decision_gates_need_the_level(gates, grading) -> None:
    for gate in ("SDP1", "SDP2", "SDP3"):
        found = issues(gates, grading, gate=gate)
        assert found["level"].reason == "missing"
        assert "company (公司级)" in found["level"].message and "grading" in found["level"].message
    assert check(gates, grading, gate="R1", passed_gates=["SDP1"]).level is None  # review points do not need it


def test_level_graded_from_a_grading_input(gates, grading) -> None:
    r = check(gates, grading, gate="SDP2", grading=GRADING_COMPANY, passed_gates=["SDP1", "R1"])
    assert (r.level, r.decision_authority, r.decision_authority_label) == ("company", "msmt", "市场销服管理团队")
    found = issues(gates, grading, gate="SDP2", grading={**GRADING_COMPANY, "amount_rmb": "lots"})
    assert found["grading.amount_rmb"].reason == "not_a_number"
    assert "评级输入 › 项目金额" in found["grading.amount_rmb"].message
    assert "grading.amount_rmb" in found["grading.amount_rmb"].message_en
    found = issues(gates, grading, gate="SDP2", level="office", grading=GRADING_COMPANY)
    assert found["level"].reason == "conflict"


def test_sdp3_escalates_on_disagreement_or_risk(gates, grading) -> None:
    papers = {"customer_contract": "approved"}
    base = {"gate": "SDP3", "level": "company", "passed_gates": ["R3"], "deliverables": papers}
    assert check(gates, grading, **base).decision_authority == "msmt"
    r = check(gates, grading, **base, flags={"high_risk": True, "unresolved_disagreement": True})
    assert (r.decision_authority, r.decision_authority_label) == ("senior_management", "公司高层")
    assert r.escalated_by == ["unresolved_disagreement", "high_risk"]
    assert check(gates, grading, **{**base, "gate": "R3"}, flags={"high_risk": True}).escalated_by == []


def test_r2_without_bid_does_not_apply_and_counts_as_passed(gates, grading) -> None:
    r = check(gates, grading, gate="R2")  # not even R1 has passed: nothing is checked
    assert (r.applicable, r.ready, r.blocking, r.decision_authority) == (False, True, [], None)
    sdp2 = check(gates, grading, gate="SDP2", level="office", passed_gates=["SDP1", "R1"])
    assert [b.code for b in sdp2.blocking] == ["quotation", "business_application"]
    with_bid = check(gates, grading, gate="SDP2", level="office", passed_gates=["R1"], flags={"bid": True})
    assert [(b.code, b.reason) for b in with_bid.blocking] == [("R2", "prerequisite_not_passed")]


def test_conditional_items_follow_their_flags(gates, grading) -> None:
    plain = check(gates, grading, gate="R4", passed_gates=["SDP3"])
    flags = {"survey_required": True, "customization": True}
    flagged = check(gates, grading, gate="R4", passed_gates=["SDP3"], flags=flags)
    assert plain.applicable_items == 5 and flagged.applicable_items == 8
    assert [b.code for b in flagged.blocking][-3:] == ["survey_report", "engineering_design", "development_charter"]
    assert flagged.blocking[-1].owner_role == "rnd_manager"


def test_unknown_deliverables_are_warnings_with_a_hint(gates, grading) -> None:
    r = check(gates, grading, gate="ACCEPTANCE", passed_gates=["R4"], deliverables={"acceptance_reprot": "approved"})
    assert [w.field for w in r.warnings] == ["deliverables.acceptance_reprot"]
    assert r.warnings[0].reason == "unknown_deliverable"
    assert "acceptance_report" in r.warnings[0].message
    assert [b.code for b in r.blocking] == ["acceptance_report", "handover_report"]


def test_bad_values_name_the_field_value_and_what_is_accepted(gates, grading) -> None:
    found = issues(
        gates,
        grading,
        gate="R7",
        level="regional",
        passed_gates=["SDP1", "R9"],
        deliverables={"cmt": "done", "quotation": 3},
        flags={"bidding": True, "bid": "yes"},
        pased_gates=[],
    )
    assert found["gate"].reason == "unknown_value" and "SDP1 (立项决策)" in found["gate"].accepted
    assert found["level"].value == "regional" and "office (办事处级)" in found["level"].accepted
    assert found["passed_gates[1]"].value == "R9"
    assert found["deliverables.cmt"].reason == "unknown_value" and "已批准" in found["deliverables.cmt"].accepted
    assert found["deliverables.quotation"].reason == "wrong_type"
    assert found["flags.bidding"].reason == "unknown_value" and "bid (投标项目)" in found["flags.bidding"].message
    assert found["flags.bid"].reason == "wrong_type"
    assert found["pased_gates"].reason == "unknown_field"


def test_request_shapes(gates, grading) -> None:
    with pytest.raises(InputError):
        gates.check(["not", "an", "object"], grading)  # type: ignore[arg-type]
    found = issues(gates, grading, gate="R1", flags=[1], passed_gates="SDP1", deliverables="all")
    assert {"flags", "passed_gates", "deliverables"} <= set(found)
    found = issues(gates, grading, gate="R1", project_id="")
    assert found["project_id"].reason == "missing"


def test_next_gate_follows_the_lifecycle(gates) -> None:
    assert gates.gate_order == ["SDP1", "R1", "R2", "SDP2", "R3", "SDP3", "R4", "ACCEPTANCE", "CLOSURE"]
    assert gates.next_gate([]) == "SDP1"
    assert gates.next_gate(["SDP1", "R1"]) == "SDP2"  # R2 does not apply without a tender
    assert gates.next_gate(["SDP1", "R1"], {"bid": True}) == "R2"
    assert gates.next_gate(gates.gate_order) is None
    with pytest.raises(InputError):
        gates.next_gate(["SDP9"])
