"""The JSON-lines runner and the two commands built on it: line N out answers line N in, whatever line N holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from gradegate.scoring.errors import FieldIssue, InputError
from gradegate.scoring.jsonl import BatchCounts, run_lines
from tests.helpers import ORDER_REQUEST, run_cli


class Echo(BaseModel):
    n: int


def decide(record: dict[str, Any]) -> Echo:
    if not isinstance(record.get("n"), int):
        raise InputError([FieldIssue("n", record.get("n"), "wrong_type", "n must be a whole number", "integer")])
    return Echo(n=record["n"] * 2)


def test_every_line_is_answered_in_place() -> None:
    lines = ['{"n": 1}', "{not json", "", "[1, 2]", '{"n": "x"}', b'{"n": 4}', '{"n": 5} ']
    counts = BatchCounts()
    out = [json.loads(x) for x in run_lines(lines, decide, counts)]
    assert len(out) == len(lines)
    assert out[0] == {"n": 2} and out[5] == {"n": 8} and out[6] == {"n": 10}
    assert [o["line"] for o in out if "line" in o] == [2, 3, 4, 5]
    assert out[1]["error"]["errors"][0]["reason"] == "malformed"
    assert out[2]["error"]["errors"][0]["reason"] == "missing"
    assert out[3]["error"]["errors"][0]["reason"] == "wrong_type"
    assert out[4]["error"] == {
        "title": "invalid request",
        "errors": [
            {
                "field": "n",
                "value": "x",
                "reason": "wrong_type",
                "message": "n must be a whole number",
                "accepted": "integer",
            }
        ],
    }
    assert (counts.read, counts.decided, counts.invalid) == (7, 3, 4)


def test_a_bug_is_not_hidden_as_a_bad_line() -> None:
    def broken(record: dict[str, Any]) -> Echo:
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        list(run_lines(['{"n": 1}'], broken))


def test_gate_check_mixed_lines_exit_3_and_keep_alignment(tmp_path: Path) -> None:
    good = {"project_id": "P1", "gate": "R1", "passed_gates": ["SDP1"]}
    lines = [
        json.dumps(good),
        "oops",
        json.dumps({**good, "gate": "SDP1"}),
        "",
        json.dumps({**good, "project_id": "P5"}),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")  # with a byte-order mark, as Notepad saves
    out = tmp_path / "sub" / "out.jsonl"
    proc = run_cli("gate-check", source, "-o", out)
    assert proc.returncode == 3, proc.stderr
    assert "读取 5 · 已决策 2 · 无效 3   规则 default-gates" in proc.stderr
    results = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("project_id") or r["line"] for r in results] == ["P1", 2, 3, 4, "P5"]
    assert results[2]["error"]["errors"][0]["field"] == "level"  # SDP1 without a level
    assert not [p for p in out.parent.iterdir() if p.name != "out.jsonl"]  # no temp file left behind


def test_unusable_input_exits_1_without_traceback(tmp_path: Path) -> None:
    missing, no_roster = tmp_path / "missing.jsonl", tmp_path / "none.csv"
    for args, first_line in (
        (("gate-check", missing), f"错误：无法读取 {missing}：No such file or directory"),
        (("gate-check", "-", "--gate", "R9"), '错误：--gate: "R9" 不是'),
        (("reviewers", missing), f"错误：无法读取 {missing}：No such file or directory"),
        (("reviewers", "-", "--roster", no_roster), f"错误：名册 {no_roster} 无法使用；未处理任何请求："),
    ):
        proc = run_cli(*args, input="")
        assert proc.returncode == 1, (args, proc.stderr)
        assert proc.stderr.splitlines()[0].startswith(first_line) and "Traceback" not in proc.stderr
        assert proc.stdout == ""


def test_reviewers_line_may_carry_its_own_roster() -> None:
    roster = [
        {"expert_id": "Z1", "name": "甲", "roles": ["sales_mgmt_signatory", "finance_signatory"], "regions": ["*"],
         "product_lines": ["*"], "available": True, "current_load": 0},
        {"expert_id": "Z2", "name": "乙", "roles": ["finance_signatory"], "regions": ["*"], "product_lines": ["*"],
         "available": True, "current_load": 5},
    ]  # fmt: skip
    order = ORDER_REQUEST
    bad_roster = [{**roster[0], "current_load": -1}]
    lines = [json.dumps({**order, "roster": roster}), json.dumps({**order, "roster": bad_roster})]
    proc = run_cli("reviewers", "-", input="\n".join(lines) + "\n")
    assert proc.returncode == 3
    first, second = (json.loads(x) for x in proc.stdout.splitlines())
    assert [a["expert_id"] for a in first["assignments"]] == ["Z1", "Z2"]
    assert second["error"]["errors"][0]["field"] == "roster[0].current_load"
