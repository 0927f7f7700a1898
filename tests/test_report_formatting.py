"""Amounts in 万/亿, China Standard Time, band limits in words, and the rule-set diff the
impact section opens with."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gradegate.reports.formatting import amount_cn, amount_short, china_time, limits_words
from gradegate.reports.rule_changes import grading_changes
from gradegate.scoring.rulesets import load_rulesets


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (8_179_699_217, "81.80 亿元"),
        (100_000_000, "1.00 亿元"),
        (99_999_999, "10,000.00 万元"),
        (12_000_000, "1,200.00 万元"),
        (10_000, "1.00 万元"),
        (9_999, "9,999 元"),
        (0, "0 元"),
        (-25_000, "-2.50 万元"),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_amounts_in_wan_and_yi(value: float | None, shown: str) -> None:
    assert amount_cn(value) == shown


def test_limits_in_words() -> None:
    assert amount_short(5_000_000) == "500万" and amount_short(150_000_000) == "1.5亿" and amount_short(800) == "800"
    assert limits_words(5_000_000, True, 20_000_000, amount=True) == "500万–2000万"
    assert limits_words(50_000_000, True, float("inf"), amount=True) == "5000万及以上"
    assert limits_words(3, False, float("inf"), amount=False) == "超过3"
    assert limits_words(1, False, 3, amount=False) == "1(不含)–3"
    assert limits_words(2, True, 2, amount=False) == "2"


def test_china_time() -> None:
    assert china_time(datetime(2026, 11, 30, 17, 5, 9, tzinfo=UTC)) == "2026-12-01 01:05:09 北京时间"
    assert china_time(datetime(2026, 11, 30, 3, 0, 0)) == "2026-11-30 11:00:00 北京时间"  # naive = UTC


def test_rule_changes_name_what_moved() -> None:
    a = load_rulesets().grading.rules
    data = a.model_dump(by_alias=True, exclude_none=True)
    data.update(version="next", threshold=45)
    amount = next(c for c in data["criteria"] if c["code"] == "amount")
    amount["bands"][2]["points"] = 16
    data["criteria"] = [c for c in data["criteria"] if c["code"] != "expedite"]
    b = type(a).model_validate(data)
    rows = grading_changes(a, b).values.tolist()
    assert rows == [
        ["规则集版本", a.version, "next"],
        ["公司级阈值", "40 分", "45 分"],
        ["评分项 赶工需求", "满分 5 分", "已删除"],
        ["项目金额 · 500万–2000万", "15 分", "16 分"],
    ]
    assert grading_changes(a, a).empty
