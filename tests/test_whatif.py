"""What would change the level: every suggestion, applied and graded for real, flips the level;
and no smaller move of the same input would."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradegate.scoring.grading.ruleset import GradingRuleSet
from gradegate.scoring.grading.whatif import what_if
from gradegate.scoring.rulesets import load_rulesets
from gradegate.scoring.vocabulary import GRADING_FIELDS, RISK_FACTORS, RISK_VALUES


@pytest.fixture(scope="module")
def grading():
    rulesets = load_rulesets()
    yield rulesets.grading
    rulesets.close()


def projects() -> st.SearchStrategy[dict]:
    enums = {n: st.sampled_from(f.codes) for n, f in GRADING_FIELDS.items() if f.kind == "enum"}
    amounts = st.one_of(st.integers(0, 80_000_000), st.sampled_from([0, 500_000, 1_000_000, 5_000_000, 49_999_999]))
    return st.fixed_dictionaries(
        {
            "project_id": st.just("W1"),
            "amount_rmb": amounts,
            "external_service_amount_rmb": amounts,
            "product_line_count": st.integers(1, 6),
            "risk": st.fixed_dictionaries({f: st.sampled_from(RISK_VALUES) for f in RISK_FACTORS}),
            **enums,
        }
    )


def apply(record: dict, field: str, to: object) -> dict:
    return {**record, field: to}


def check_advice(grading: GradingRuleSet, record: dict) -> None:
    result = grading.grade(record)
    advice = what_if(grading.rules, result)
    target = "company" if result.computed_level == "office" else "office"
    assert advice.target_level == target
    assert advice.points_to_flip == (
        grading.rules.threshold - result.total_score
        if target == "company"
        else result.total_score - grading.rules.threshold + 1
    )
    for change in advice.changes:
        changed = grading.grade(apply(record, change.field, change.to))
        assert changed.computed_level == target, change
        assert changed.total_score == change.total
        assert changed.points()[change.criterion] == change.points
        if isinstance(change.to, int | float) and change.field != "risk":
            # One step less far (1 RMB, one product line) would not flip the level.
            current = float(record[change.field])
            step = 1 if change.to > current else -1
            nearer = change.to - step
            if nearer != current:
                assert grading.grade(apply(record, change.field, nearer)).computed_level != target, change
    flippable = set()
    for c in grading.rules.criteria:
        options = (
            [b.points for b in c.bands]
            if c.bands
            else [v.points for v in c.values.values()]
            if c.values
            else [lv.points for lv in c.levels]
        )
        current = result.points()[c.code]
        if any(
            (p - current >= advice.points_to_flip) if target == "company" else (current - p >= advice.points_to_flip)
            for p in options
        ):
            flippable.add(c.code)
    assert {ch.criterion for ch in advice.changes} == flippable


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=projects())
def test_every_suggestion_flips_the_level(grading: GradingRuleSet, record: dict) -> None:
    check_advice(grading, record)


def test_the_advice_follows_the_rule_file(rules_copy: Path) -> None:
    """Raise the threshold in the rule file: the same project needs more, and the advice says so."""
    record = {
        "project_id": "W2",
        "amount_rmb": 286581,
        "strategic_status": "general",
        "network_position": "sole_supplier",
        "tech_maturity": "major_development",
        "risk": dict.fromkeys(RISK_FACTORS, "low"),
        "external_service_amount_rmb": 1613,
        "expedite": "urgent",
        "product_line_count": 4,
    }
    default = load_rulesets(rules_copy)
    path = rules_copy / "grading.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("threshold: 40", "threshold: 44"), encoding="utf-8")
    raised = load_rulesets(rules_copy)
    try:
        before = what_if(default.grading.rules, default.grading.grade(record))
        after = what_if(raised.grading.rules, raised.grading.grade(record))
        assert (before.points_to_flip, after.points_to_flip) == (6, 10)
        assert {c.criterion for c in before.changes} == {"amount", "strategic", "network", "risk", "external"}
        # +10 is needed now: 重要 (+6), 首次入网 (+8) and the top external band (+8) no longer do;
        # 战略核心 (+13), the 15-point amount band (+10) and two risks high (+14) still do.
        assert {c.criterion for c in after.changes} == {"amount", "strategic", "risk"}
        assert next(c for c in before.changes if c.criterion == "strategic").to == "important"
        assert next(c for c in after.changes if c.criterion == "strategic").to == "core"
        assert next(c for c in after.changes if c.criterion == "amount").to == 5_000_000
        check_advice(raised.grading, record)
    finally:
        default.close()
        raised.close()
