"""Bad grading input: every problem named with its field, the value given and what is accepted —
single record and batch alike; in a batch the good rows are still graded."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gradegate.scoring.errors import InputError
from gradegate.scoring.grading.frame import grade_frame
from gradegate.scoring.messages import field_label
from gradegate.scoring.rulesets import load_rulesets
from tests.test_grading_bands import BASE

GRADING = load_rulesets().grading

# (changes to a valid record, field named, reason, words the message must hold)
BAD = [
    ({"amount_rmb": None}, "amount_rmb", "missing", "项目金额为必填项"),
    ({"amount_rmb": ""}, "amount_rmb", "missing", "项目金额为必填项"),
    ({"amount_rmb": "abc"}, "amount_rmb", "not_a_number", '"abc" 不是有效金额；请填写 ≥ 0 的金额'),
    ({"amount_rmb": "-5"}, "amount_rmb", "out_of_range", '"-5" 小于 0'),
    ({"amount_rmb": "1,2"}, "amount_rmb", "not_a_number", '"1,2" 不是有效金额'),
    ({"amount_rmb": "nan"}, "amount_rmb", "not_a_number", '"nan" 不是有效金额'),
    ({"amount_rmb": "inf"}, "amount_rmb", "not_a_number", '"inf" 不是有效金额'),
    ({"amount_rmb": "1e16"}, "amount_rmb", "out_of_range", "过大（最大 1e+15）"),
    ({"external_service_amount_rmb": "-0.01"}, "external_service_amount_rmb", "out_of_range", "外配套服务金额: \"-0.01\" 小于 0"),
    ({"product_line_count": "0"}, "product_line_count", "out_of_range", '涉及产品线数量: "0" 小于 1'),
    ({"product_line_count": "2.5"}, "product_line_count", "not_an_integer", "不是整数"),
    ({"product_line_count": "two"}, "product_line_count", "not_a_number", '"two" 不是有效整数'),
    ({"strategic_status": "vip"}, "strategic_status", "unknown_value", "core (战略核心), important (重要), general (一般)"),
    ({"network_position": None}, "network_position", "missing", "new_entry (首次入网)"),
    ({"tech_maturity": "成熟"}, "tech_maturity", "unknown_value", '技术成熟度: "成熟" 不是可选值'),
    ({"expedite": "asap"}, "expedite", "unknown_value", "urgent (严重赶工)"),
    ({"risk_legal": "severe"}, "risk_legal", "unknown_value", "low (低), medium (中), high (高)"),
    ({"risk_supplier": None}, "risk_supplier", "missing", "供应商风险为必填项"),
    ({"project_id": None}, "project_id", "missing", "项目编号为必填项"),
    ({"project_id": "P" * 65}, "project_id", "too_long", "最多 64"),
    ({"stage": "bidding"}, "stage", "unknown_value", "initiation (立项)"),
    ({"override_level": "公司级"}, "override_approved_by", "incomplete_override", "特批等级、特批人和特批理由"),
    ({"override_level": "公司级", "override_approved_by": "VP"}, "override_reason", "incomplete_override", "特批理由为必填项"),
    ({"override_level": "集团级", "override_approved_by": "VP", "override_reason": "x"}, "override_level",
     "unknown_value", "company (公司级), office (办事处级)"),
    ({"override_approved_by": "VP", "override_reason": "x"}, "override_level", "missing", "特批等级为必填项"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field", "reason", "words"), BAD, ids=[f"{b[1]}-{b[2]}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_value_single_record(changes: dict, field: str, reason: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        GRADING.grade({**BASE, **changes})
    issue = next(i for i in caught.value.issues if i.field == field)
    assert issue.reason == reason
    assert words in issue.message
    assert issue.message.startswith(field_label(field))  # the field by its Chinese label
    assert issue.message_en is not None and issue.message_en.startswith(field)  # English on request
    assert issue.accepted
    if field in changes:
        assert issue.value == changes[field]


def test_bad_rows_in_batch_are_reported_and_good_rows_graded() -> None:
    rows = [{**BASE, "project_id": f"BAD{i}", **changes} for i, (changes, *_) in enumerate(BAD)]
    good = [{**BASE, "project_id": f"GOOD{i}"} for i in range(5)]
    batch = grade_frame(pd.DataFrame(rows + good, dtype="str"), GRADING)
    assert batch.read == len(BAD) + 5
    assert sorted(batch.graded["project_id"]) == [f"GOOD{i}" for i in range(5)]
    assert batch.rejected_count == len(BAD)
    for i, (_, field, reason, words) in enumerate(BAD, start=1):
        problems = batch.errors[batch.errors["row"] == i]
        match = problems[problems["field"] == field]
        assert len(match) == 1, (i, problems.to_dict(orient="records"))
        assert match.iloc[0]["reason"] == reason and words in match.iloc[0]["message"]


def test_every_problem_of_a_record_is_reported_at_once() -> None:
    with pytest.raises(InputError) as caught:
        GRADING.grade({"project_id": "X", "amount_rmb": "lots", "expedite": "yes"})
    fields = [i.field for i in caught.value.issues]
    assert fields[:2] == ["amount_rmb", "external_service_amount_rmb"]
    assert {"strategic_status", "expedite", "risk_scope", "risk_supplier", "product_line_count"} <= set(fields)


def test_nested_shapes_are_checked() -> None:
    with pytest.raises(InputError) as caught:
        GRADING.grade({**BASE, "risk": "high", "level_override": {"level": "company"}})
    by_field = {i.field: i for i in caught.value.issues}
    assert by_field["risk"].reason == "wrong_type"
    assert by_field["level_override.approved_by"].reason == "incomplete_override"


def test_json_types_are_not_guessed() -> None:
    with pytest.raises(InputError) as caught:
        GRADING.grade({**BASE, "amount_rmb": True, "expedite": 3, "project_id": 17})
    reasons = {i.field: i.reason for i in caught.value.issues}
    assert reasons == {"amount_rmb": "wrong_type", "expedite": "wrong_type", "project_id": "wrong_type"}


def test_duplicate_ids_in_a_batch_name_the_first_row() -> None:
    rows = [{**BASE, "project_id": "A"}, {**BASE, "project_id": "B"}, {**BASE, "project_id": " A "}]
    batch = grade_frame(pd.DataFrame(rows, dtype="str"), GRADING)
    assert list(batch.graded["project_id"]) == ["A", "B"]
    err = batch.errors.iloc[0]
    assert (err["row"], err["field"], err["reason"]) == (3, "project_id", "duplicate")
    assert "与第 1 条记录重复" in err["message"]


def test_numbers_from_json_and_cells_agree(tmp_path: Path) -> None:
    as_numbers = GRADING.grade({**BASE, "amount_rmb": 12_000_000, "product_line_count": 3})
    as_text = GRADING.grade({**BASE, "amount_rmb": " 12,000,000 ", "product_line_count": "3"})
    assert as_numbers.total_score == as_text.total_score
    assert as_numbers.criteria[0].input == as_text.criteria[0].input == 12_000_000
