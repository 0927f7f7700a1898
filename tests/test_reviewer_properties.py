"""Properties of reviewer selection over generated requests and rosters."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gradegate.scoring.reviewers.roster import Roster
from gradegate.scoring.reviewers.ruleset import ReviewerRuleSet
from tests.helpers import RULES

REVIEWERS = ReviewerRuleSet.load(RULES / "reviewers.yaml")
R = REVIEWERS.rules
ROLES = list(R.roles)
REGIONS = ["华北地区部", "华东地区部", "华南地区部"]
LINES = ["机顶盒", "宽带", "CA系统"]
IDS = [f"E{i:02d}" for i in range(25)]


def scope(values: list[str]) -> Any:
    return st.one_of(st.just(["*"]), st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True))


expert_records = st.fixed_dictionaries(
    {
        "name": st.just("某人"),
        "roles": st.lists(st.sampled_from(ROLES), min_size=1, max_size=3, unique=True),
        "regions": scope(REGIONS),
        "product_lines": scope(LINES),
        "available": st.booleans(),
        "current_load": st.integers(0, 4),
    }
)
rosters = st.lists(expert_records, min_size=1, max_size=25).map(
    lambda rows: [{"expert_id": IDS[i], **row} for i, row in enumerate(rows)]
)


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["order", "contract"]))
    req: dict[str, Any] = {
        "kind": kind,
        "id": "D1",
        "amount_rmb": draw(st.sampled_from([0, 4_999_999.99, 5_000_000, 80_000_000])),
        "clauses": draw(st.lists(st.sampled_from(sorted(R.clauses)), min_size=1, max_size=5)),
        "submitter": draw(st.sampled_from(IDS)),
    }
    if kind == "order":
        req["contract_id"] = "C1"
    else:
        req["contract_type"] = draw(st.sampled_from(sorted(R.contract_types)))
    if draw(st.booleans()):
        req["region"] = draw(st.sampled_from(REGIONS))
    if draw(st.booleans()):
        req["product_lines"] = draw(st.lists(st.sampled_from(LINES), min_size=1, max_size=2))
    for flag in ("disagreement", "unresolved_disagreement", "high_risk"):
        req[flag] = draw(st.booleans())
    return req


def eligible(e: Any, req: dict[str, Any], role: str) -> bool:
    region_ok = "region" not in req or e.regions is None or req["region"] in e.regions
    lines = set(req.get("product_lines", []))
    lines_ok = not lines or e.product_lines is None or bool(e.product_lines & lines)
    return role in e.roles and e.available and e.expert_id != req["submitter"] and region_ok and lines_ok


def plain_roles(req: dict[str, Any]) -> list[str]:
    wanted = set(R.kinds[req["kind"]].base_roles)
    for c in req["clauses"]:
        wanted |= set(R.clauses[c].adds)
    if req["kind"] == "contract":
        wanted |= set(R.contract_types[req["contract_type"]].adds)
    for rule in R.amount_rules:
        if req["amount_rmb"] >= rule.from_:
            wanted |= set(rule.adds)
    return [r for r in ROLES if r in wanted]


@settings(max_examples=120, deadline=None)
@given(requests(), rosters)
def test_selection_follows_the_picking_rules(req: dict[str, Any], records: list[dict[str, Any]]) -> None:
    roster = Roster.from_records(records)
    result = REVIEWERS.select(req, roster)
    assert [r.role for r in result.required_roles] == plain_roles(req)
    assert [a.role for a in result.assignments] == plain_roles(req)
    assert result.review_meeting == req["disagreement"]
    experts = {e.expert_id: e for e in roster.experts}
    picked: list[str] = []
    for a in result.assignments:
        if a.expert_id is None:
            assert a.reason
            # Unfilled only when nobody eligible is left over.
            assert not [e for e in roster.experts if eligible(e, req, a.role) and e.expert_id not in picked]
            continue
        e = experts[a.expert_id]
        assert eligible(e, req, a.role)  # holds the role, available, not the submitter, covers region and lines
        assert a.expert_id not in picked  # one person per role
        rivals = [x for x in roster.experts if eligible(x, req, a.role) and x.expert_id not in picked]
        assert min((x.current_load, x.expert_id) for x in rivals) == (e.current_load, e.expert_id)
        picked.append(a.expert_id)


@settings(max_examples=60, deadline=None)
@given(requests(), rosters, st.randoms(use_true_random=False))
def test_same_input_same_panel_whatever_the_roster_order(
    req: dict[str, Any], records: list[dict[str, Any]], rnd: random.Random
) -> None:
    first = REVIEWERS.select(req, Roster.from_records(records)).model_dump()
    shuffled = records[:]
    rnd.shuffle(shuffled)
    assert REVIEWERS.select(dict(req), Roster.from_records(shuffled)).model_dump() == first
    assert REVIEWERS.select(req, Roster.from_records(records)).model_dump() == first
