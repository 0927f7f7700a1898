"""Properties of gate readiness over generated requests, and parity with a plain reading of the rule file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradegate.scoring.gates.model import STATUS_RANK, STATUSES
from gradegate.scoring.gates.ruleset import GateRuleSet
from gradegate.scoring.grading.ruleset import GradingRuleSet
from tests.helpers import RULES

GATES = GateRuleSet.load(RULES / "gates.yaml")
RULES_DATA = GATES.rules
STATUS_CODES = list(STATUSES)
SPELLINGS = {code: [code, label, code.upper()] for code, label in STATUSES.items()}


@pytest.fixture(scope="module")
def grading() -> Iterator[GradingRuleSet]:
    g = GradingRuleSet.load(RULES / "grading.yaml")
    yield g
    g.close()


@st.composite
def requests(draw: st.DrawFn, gate: str | None = None) -> dict[str, Any]:
    deliverables = draw(
        st.dictionaries(st.sampled_from(sorted(RULES_DATA.deliverables)), st.sampled_from(STATUS_CODES))
    )
    return {
        "project_id": "P",
        "gate": gate or draw(st.sampled_from(GATES.gate_order)),
        "level": draw(st.sampled_from(["company", "office"])),
        "flags": draw(st.fixed_dictionaries({}, optional=dict.fromkeys(RULES_DATA.flags, st.booleans()))),
        "passed_gates": draw(st.lists(st.sampled_from(GATES.gate_order), unique=True)),
        "deliverables": deliverables,
    }


def plain_reading(request: dict[str, Any]) -> tuple[list[tuple[str, str]], int]:
    """What blocks, read straight from the rule file with no engine: (code, reason) in spec order,
    and how many conditions apply."""
    flags = {f: request["flags"].get(f, False) for f in RULES_DATA.flags}
    holds = lambda when: all(flags[k] == v for k, v in (when or {}).items())  # noqa: E731
    gate = RULES_DATA.gate(request["gate"])
    if not holds(gate.only_if):
        return [], 0
    out = [
        (p, "prerequisite_not_passed")
        for p in gate.prerequisites
        if p not in request["passed_gates"] and holds(RULES_DATA.gate(p).only_if)
    ]
    applicable = len(gate.prerequisites)
    for item in gate.items:
        status = request["deliverables"].get(item.deliverable, "missing")
        applicable += holds(item.only_if)
        if holds(item.only_if) and STATUS_RANK[status] < STATUS_RANK[item.required]:
            out.append((item.deliverable, "missing" if status == "missing" else "below_required_status"))
    return out, applicable


@settings(max_examples=150, deadline=None)
@given(requests())
def test_engine_agrees_with_a_plain_reading_of_the_rules(grading, request: dict[str, Any]) -> None:
    result = GATES.check(request, grading)
    blocking, applicable = plain_reading(request)
    assert [(b.code, b.reason) for b in result.blocking] == blocking
    assert (result.applicable_items, result.satisfied) == (applicable, applicable - len(blocking))
    assert result.ready == (not result.blocking)


@settings(max_examples=100, deadline=None)
@given(requests(), st.data())
def test_raising_a_status_never_makes_a_ready_gate_unready(
    grading, request: dict[str, Any], data: st.DataObject
) -> None:
    before = GATES.check(request, grading)
    code = data.draw(st.sampled_from(sorted(RULES_DATA.deliverables)))
    current = STATUS_RANK[request["deliverables"].get(code, "missing")]
    raised = data.draw(st.sampled_from(STATUS_CODES[current:]))
    spelled = data.draw(st.sampled_from(SPELLINGS[raised]))
    after = GATES.check({**request, "deliverables": {**request["deliverables"], code: spelled}}, grading)
    if before.ready:
        assert after.ready
    assert {b.code for b in after.blocking} <= {b.code for b in before.blocking}
    assert after.satisfied >= before.satisfied


@settings(max_examples=100, deadline=None)
@given(requests(gate="R2"))
def test_r2_of_a_project_without_tender_never_blocks(grading, request: dict[str, Any]) -> None:
    request["flags"] = {**request["flags"], "bid": False}
    result = GATES.check(request, grading)
    assert (result.applicable, result.ready, result.blocking) == (False, True, [])
