"""The portfolio file's gate columns (flag_*, passed_gates, deliv_*): spellings accepted,
bad values as error rows naming column, value and what is accepted, unknown columns as warnings."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gradegate.reports.portfolio_input import FALSE, TRUE, parse_extras
from gradegate.scoring.gates.ruleset import GateRuleSet
from gradegate.scoring.rulesets import load_rulesets


@pytest.fixture(scope="module")
def gates() -> GateRuleSet:
    return load_rulesets().gates


def frame(**columns: list[str | None]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"project_id": [f"P{i}" for i in range(n)], **columns}, dtype="str")


spacing = st.sampled_from(["", " ", "\u3000", "\t"])


@settings(max_examples=60, deadline=None)
@given(word=st.sampled_from(sorted(TRUE | FALSE)), upper=st.booleans(), left=spacing, right=spacing)
def test_flag_spellings(gates: GateRuleSet, word: str, upper: bool, left: str, right: str) -> None:
    value = left + (word.upper() if upper else word) + right
    extras = parse_extras(frame(flag_bid=[value]), gates)
    assert extras.errors.empty
    assert bool(extras.flags.at[0, "bid"]) is (word in TRUE)


@settings(max_examples=40, deadline=None)
@given(value=st.text(min_size=1, max_size=12).filter(lambda v: v.strip(" \t\r\n\u3000").lower() not in TRUE | FALSE))
@example(value="\xa0")  # found by hypothesis: pandas' strip() took a no-break space for blank
@example(value="\x1c")
def test_other_flag_values_are_error_rows(gates: GateRuleSet, value: str) -> None:
    extras = parse_extras(frame(flag_high_risk=["true", value]), gates)
    if not value.strip(" \t\r\n\u3000"):
        assert extras.errors.empty and not extras.flags.at[1, "high_risk"]  # blank = false
        return
    error = extras.errors.iloc[0]
    assert (error["row"], error["project_id"], error["field"], error["value"]) == (2, "P1", "flag_high_risk", value)
    assert "是/否" in error["message"]


def test_blank_flags_and_missing_columns_are_false(gates: GateRuleSet) -> None:
    extras = parse_extras(frame(flag_bid=[None, "1"]), gates)
    assert list(extras.flags["bid"]) == [False, True]
    assert not extras.flags["special_price"].any()
    assert list(extras.passed) == [(), ()]
    assert extras.deliverables.empty


def test_passed_gates(gates: GateRuleSet) -> None:
    extras = parse_extras(frame(passed_gates=["SDP1; R1，r2", "立项决策", None, "SDP1;SDP9"]), gates)
    assert list(extras.passed[:3]) == [("SDP1", "R1", "R2"), ("SDP1",), ()]
    error = extras.errors.iloc[0]
    assert (error["row"], error["field"], error["reason"]) == (4, "passed_gates", "unknown_value")
    assert "已通过关口: 'SDP9' 不是关口" in error["message"] and "ACCEPTANCE" in error["message"]


def test_deliverable_statuses(gates: GateRuleSet) -> None:
    extras = parse_extras(
        frame(deliv_cmt=["approved", "已提交", " Draft ", None, "done"], deliv_cmtt=["approved"] * 5), gates
    )
    assert list(extras.deliverables["cmt"][:4]) == ["approved", "submitted", "draft", None]
    assert "cmtt" not in extras.deliverables.columns
    assert len(extras.errors) == 1
    error = extras.errors.iloc[0]
    assert (error["row"], error["field"], error["value"]) == (5, "deliv_cmt", "done")
    assert "approved (已批准)" in error["message"]
    # people.md: what a person reads is Chinese — and a typo names the column meant.
    assert extras.warnings == [
        "列 deliv_cmtt: 关口规则中没有交付件 'cmtt'（是否为 deliv_cmt（刷新后的CMT）？）；该列未读取"
    ]


def test_unknown_flag_column_is_a_warning(gates: GateRuleSet) -> None:
    extras = parse_extras(frame(flag_vip=["maybe"]), gates)
    assert extras.errors.empty
    flags = ", ".join(gates.rules.flags)
    assert extras.warnings == [f"列 flag_vip: 关口规则中没有标志 'vip'；可用标志：{flags}；该列未读取"]
    typo = parse_extras(frame(flag_bidd=["true"]), gates)
    assert typo.warnings == [
        f"列 flag_bidd: 关口规则中没有标志 'bidd'（是否为 flag_bid（投标项目）？）；可用标志：{flags}；该列未读取"
    ]
