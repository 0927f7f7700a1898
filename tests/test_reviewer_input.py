"""Reviewer selection on single requests: roles and reasons, picking, and a clear error for each bad input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gradegate.scoring.errors import InputError
from gradegate.scoring.reviewers.roster import Roster
from gradegate.scoring.reviewers.ruleset import ReviewerRuleSet
from tests.helpers import RULES

CONTRACT = {"kind": "contract", "id": "C1", "amount_rmb": 100000, "clauses": ["product_list"], "submitter": "E9"}


def expert(expert_id: str, roles: list[str], load: int = 0, **extra: Any) -> dict[str, Any]:
    row = {"expert_id": expert_id, "name": f"专家{expert_id}", "roles": roles, "regions": ["*"], "product_lines": ["*"]}
    return {**row, "available": True, "current_load": load, **extra}


@pytest.fixture(scope="module")
def reviewers() -> Iterator[ReviewerRuleSet]:
    r = ReviewerRuleSet.load(RULES / "reviewers.yaml")
    yield r
    r.close()


@pytest.fixture(scope="module")
def roster() -> Roster:
    return Roster.from_records(
        [
            expert("E1", ["sales_mgmt_signatory", "finance_signatory"], 2),
            expert("E2", ["sales_mgmt_signatory"], 2),
            expert("E3", ["finance_signatory"], 1),
            expert("E4", ["legal_signatory"], 0, available=False),
            expert("E5", ["legal_signatory"], 3, regions=["华南地区部"]),
            expert("E6", ["legal_signatory"], 4, product_lines=["宽带"]),
            expert("E9", ["legal_signatory", "marketing_signatory"], 0),
        ]
    )


def issues(reviewers: ReviewerRuleSet, roster: Roster, **request: Any) -> dict[str, Any]:
    with pytest.raises(InputError) as exc:
        reviewers.select(request, roster)
    return {i.field: i for i in exc.value.issues}


def test_picking_rules(reviewers, roster) -> None:
    r = reviewers.select({**CONTRACT, "region": "华南地区部", "product_lines": ["宽带"]}, roster)
    picked = {a.role: a.expert_id for a in r.assignments}
    # E1 and E2 tie on load 2 for sales: smallest id; E1 is then taken, so finance goes to E3.
    # legal: E4 unavailable, E9 is the submitter, E6 is outside 华南, E5 covers region and (all) product lines.
    assert picked == {"sales_mgmt_signatory": "E1", "finance_signatory": "E3", "legal_signatory": "E5"}
    r = reviewers.select({**CONTRACT, "region": "华北地区部", "product_lines": ["机顶盒"]}, roster)
    legal = r.assignments[2]
    assert (legal.expert_id, legal.name) == (None, None)
    assert legal.reason == (
        "法务权签人（legal_signatory）无人可选（地区部：华北地区部，产品线：机顶盒）：名册中有 4 人担任该角色，"
        "其中 1 人不可用，1 人是提交人本人，1 人不负责该地区部，1 人不负责所涉产品线"
    )
    assert legal.reason_in("en") == (
        "no candidate for legal_signatory (法务权签人) in region 华北地区部, product lines 机顶盒: 4 hold the role — "
        "1 unavailable, 1 the submitter, 1 outside the region, 1 outside the product lines"
    )
    assert r.unfilled == 1


def test_an_expert_picked_for_an_earlier_role_is_counted_as_such(reviewers) -> None:
    only = Roster.from_records([expert("E1", ["sales_mgmt_signatory", "finance_signatory"])])
    order = {"kind": "order", "id": "O1", "contract_id": "C1", "amount_rmb": 1, "clauses": ["product_list"],
             "submitter": "E9"}  # fmt: skip
    r = reviewers.select(order, only)
    assert [(a.role, a.expert_id) for a in r.assignments] == [
        ("sales_mgmt_signatory", "E1"),
        ("finance_signatory", None),
    ]
    zh, en = r.to_dict()["assignments"][1], r.to_dict("en")["assignments"][1]
    assert (
        zh["reason"]
        == "财务权签人（finance_signatory）无人可选：名册中有 1 人担任该角色，其中 1 人已被选为前面角色的评审人"
    )
    assert (
        en["reason"]
        == "no candidate for finance_signatory (财务权签人): 1 hold the role — 1 already picked for an earlier role"
    )
    # only the reason changes with the language; the picked role has none in either
    assert {**en, "reason": zh["reason"]} == zh and r.to_dict("en")["assignments"][0]["reason"] is None
    assert "_reason_en" not in r.model_dump_json() and "reason_en" not in r.to_dict("en")["assignments"][1]


def test_roles_reasons_meeting_and_decision(reviewers, roster) -> None:
    r = reviewers.select(
        {
            **CONTRACT,
            "contract_type": "代理",
            "amount_rmb": "5,000,000",
            "clauses": ["penalty_terms", "知识产权条款"],
            "disagreement": True,
            "high_risk": True,
        },
        roster,
    )
    roles = {x.role: [(y.rule, y.code) for y in x.required_by] for x in r.required_roles}
    assert list(roles) == [
        "sales_mgmt_signatory", "finance_signatory", "legal_signatory", "ip_signatory", "marketing_signatory"
    ]  # fmt: skip
    assert roles["legal_signatory"] == [("base", "contract"), ("clause", "penalty_terms")]
    assert roles["marketing_signatory"] == [("contract_type", "agency"), ("amount", "major")]
    assert r.review_meeting is True
    assert (r.decision_authority, r.decision_authority_label, r.escalated_by) == (
        "senior_management",
        "公司高层",
        ["high_risk"],
    )
    ip = r.assignments[3]
    assert (ip.role, ip.expert_id, ip.reason) == (
        "ip_signatory",
        None,
        "名册中没有人担任知识产权权签人（ip_signatory）",
    )
    assert ip.reason_in("en") == "no expert in the roster holds ip_signatory (知识产权权签人)"
    order = reviewers.select(
        {"kind": "订单", "id": "O1", "contract_id": "C1", "amount_rmb": 1,
         "clauses": ["product_list", "financial_terms"], "submitter": "E1", "high_risk": True},
        roster,
    )  # fmt: skip
    assert [x.role for x in order.required_roles] == ["sales_mgmt_signatory", "finance_signatory"]
    assert (order.decision_authority, order.decision_authority_label) == ("msmt_gm", "市场销服部总经理")
    assert reviewers.select(CONTRACT, roster).contract_type == "direct_sale"


def test_bad_requests_name_field_value_and_accepted(reviewers, roster) -> None:
    found = issues(
        reviewers, roster, kind="order", id="O1", amount_rmb=-5, clauses=["product_list", "gift_terms"], submitter=""
    )
    assert found["contract_id"].reason == "missing"
    assert found["amount_rmb"].reason == "out_of_range"
    assert found["clauses[1]"].value == "gift_terms" and "technical_terms (技术条款)" in found["clauses[1]"].accepted
    assert found["submitter"].reason == "missing"
    found = issues(reviewers, roster, **{**CONTRACT, "contract_type": "leasing", "clauses": [], "high_risk": "yes"})
    assert found["contract_type"].reason == "unknown_value" and "lending (借用合同)" in found["contract_type"].accepted
    assert found["clauses"].reason == "missing"
    assert found["high_risk"].reason == "wrong_type"
    found = issues(reviewers, roster, **{**CONTRACT, "kind": "invoice", "regoin": "华北地区部"})
    assert found["kind"].reason == "unknown_value" and "order (订单)" in found["kind"].accepted
    assert found["regoin"].reason == "unknown_field"
    found = issues(reviewers, roster, **{**CONTRACT, "kind": "order", "contract_id": "C1", "contract_type": "lending"})
    assert found["contract_type"].reason == "not_applicable"


def test_roster_with_roles_the_rules_do_not_know(reviewers) -> None:
    roster = Roster.from_records([expert("E1", ["sales_mgmt_signatory", "ceo_signatory"])])
    found = issues(reviewers, roster, **CONTRACT)
    assert found["roster.E1.roles"].value == "ceo_signatory"
