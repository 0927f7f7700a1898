"""Two paths, one truth: random tables and random records give the same outputs and the same
error messages through durable_rules one record at a time (TableRuleSet.decide) and through
the vectorized batch path (decide_frame), and both agree with the plain reading of each
condition (Check.holds)."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from gradegate.scoring import InputError, RuleSetIdentity, TableRules, TableRuleSet, decide_frame
from gradegate.scoring.tables.checks import table_problems
from gradegate.scoring.tables.frame import LIST_SEPARATOR, cell_text, output_columns
from gradegate.scoring.values import is_blank

LIMITS = [0, 0.001, 1, 2.5, 100, 999.5, 1000, 1_000_000]
INPUTS: dict[str, dict[str, Any]] = {
    "id": {"type": "text", "label": "编号", "max_length": 8},
    "n": {"type": "number", "label": "金额", "min": 0},
    "m": {"type": "number", "label": "件数", "integer": True, "required": False},
    "b": {"type": "boolean", "label": "标志"},
    "c": {"type": "boolean", "label": "加急", "required": False, "default": False},
    "e": {"type": "enum", "label": "类型", "values": {"x": "甲类", "y": "乙类", "z": "丙类"}, "required": False},
    "t": {"type": "text", "label": "批准人", "required": False, "max_length": 5},
}


@st.composite
def number_test(draw: st.DrawFn) -> dict[str, Any]:
    lo, hi = sorted(draw(st.lists(st.sampled_from(LIMITS), min_size=2, max_size=2, unique=True)))
    test: dict[str, Any] = {}
    if draw(st.booleans()):
        test[draw(st.sampled_from(["min", "above"]))] = lo
    if draw(st.booleans()) or not test:
        test[draw(st.sampled_from(["max", "below"]))] = hi
    return test


def condition(field: str) -> st.SearchStrategy[Any]:
    spec = INPUTS[field]
    blank = [st.just({"blank": True}), st.just({"blank": False})] if not spec.get("required", True) else []
    if spec["type"] == "number":
        return st.one_of(number_test(), *([] if field == "n" else blank))
    if spec["type"] == "boolean":
        return st.one_of(st.booleans(), *([] if field == "c" else blank))
    if spec["type"] == "enum":
        codes = st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=2, unique=True)
        return st.one_of(st.sampled_from(["x", "y", "z"]), codes, *blank)
    return st.one_of(st.just(["王总"]), *blank)


@st.composite
def when(draw: st.DrawFn, fields: list[str]) -> dict[str, Any]:
    chosen = draw(st.lists(st.sampled_from(fields), max_size=3, unique=True))
    return {f: draw(condition(f)) for f in chosen}


@st.composite
def tables(draw: st.DrawFn) -> dict[str, Any]:
    policy = draw(st.sampled_from(["first", "collect", "unique"]))
    fields = [f for f in INPUTS if f != "id"]
    if policy == "unique":  # disjoint ranges of n, so that the table is valid
        cuts = sorted(draw(st.lists(st.sampled_from(LIMITS[1:]), min_size=1, max_size=4, unique=True)))
        ranges = [{"below": cuts[0]}, *({"min": a, "below": b} for a, b in itertools.pairwise(cuts)), {"min": cuts[-1]}]
        whens = [{"n": r} for r in ranges]
    else:
        whens = draw(st.lists(when(fields), min_size=1, max_size=5))
    rules = [
        {"code": f"r{i}", "label": f"规则{i}", "when": w, "then": {"score": draw(st.sampled_from([1, 2.5, 10]))}}
        for i, w in enumerate(whens)
    ]
    aggregate = draw(st.sampled_from(["sum", "min", "max", "count", "list"])) if policy == "collect" else None
    outputs: dict[str, Any] = {"score": {"label": "分值", "type": "number", "aggregate": aggregate}}
    if policy == "collect":
        outputs["hits"] = {"label": "命中", "rule_codes": True, "aggregate": "list"}
    derived_on = {"hits": {"blank": False}} if policy == "collect" else {"score": {"min": 2}}
    derived = {
        "flag": {
            "label": "结论",
            "type": "enum",
            "values": {"yes": "是的", "no": "不是"},
            "policy": draw(st.sampled_from(["first", "collect"])),
            "rules": [
                {"when": {**derived_on, **draw(when(fields))}, "value": "yes"},
                {"when": draw(when(fields)), "value": "no"},
            ],
        }
    }
    return {
        "name": "random", "version": "1", "code": "random", "label": "随机表", "id_field": "id",
        "hit_policy": policy, "inputs": INPUTS, "rules": rules, "outputs": outputs, "derived": derived,
    }  # fmt: skip


def spelled_number(field: str) -> st.SearchStrategy[Any]:
    exact = st.sampled_from(LIMITS)
    return st.one_of(
        exact,
        exact.map(lambda x: f"{x:,}"),
        exact.map(lambda x: f" {x} "),
        exact.map(lambda x: x + 0.0005),
        exact.map(lambda x: x - 0.0005),
        st.integers(-3, 3_000_000).map(str),
        st.sampled_from(["", "  ", "n/a", "-1", "1e3", "1,00", "二十", "1e-05", "３"]),
    )


CELLS: dict[str, st.SearchStrategy[Any]] = {
    "id": st.one_of(st.text("AB1 　", min_size=0, max_size=10), st.just("P1")),
    "n": spelled_number("n"),
    "m": spelled_number("m"),
    "b": st.sampled_from(["true", "FALSE", " yes", "No", "1", "0", "是", "否", "", "2", "maybe"]),
    "c": st.sampled_from(["true", "false", "是", "", "  ", "y"]),
    "e": st.sampled_from(["x", "Y", " z ", "甲类", "乙类 ", "丙", "", "w"]),
    "t": st.one_of(st.text("王总李 ", max_size=7), st.just("王总")),
    "nn": st.sampled_from(["", "1", " "]),  # a column no table knows: a typo
}


def as_cell(value: Any) -> str | None:
    if value is None:
        return None
    return str(value) if not isinstance(value, str) else value


REQUIRED = ("id", "n", "b")  # usually given (so that many rows are decided), sometimes not
record = st.one_of(
    st.fixed_dictionaries(
        {k: CELLS[k] for k in REQUIRED}, optional={k: v for k, v in CELLS.items() if k not in REQUIRED}
    ),
    st.fixed_dictionaries({}, optional=CELLS),
)
records = st.lists(record.map(lambda r: {k: as_cell(v) for k, v in r.items()}), min_size=1, max_size=25)


def empty_as_none(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def build(data: dict[str, Any]) -> TableRuleSet:
    rules = TableRules.model_validate(data)
    assume(not table_problems(rules))
    identity = RuleSetIdentity("table", "random", "1", "sha256:0", "(random)", datetime.now(UTC))
    return TableRuleSet(rules, identity)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(table_data=tables(), rows=records)
def test_single_and_batch_paths_agree_on_outputs_and_messages(table_data: dict[str, Any], rows: list[dict]) -> None:
    table = build(table_data)
    decided_rows = 0
    try:
        columns = sorted({k for r in rows for k in r})
        frame = pd.DataFrame([[r.get(c) for c in columns] for r in rows], columns=columns, dtype="str")
        batch = decide_frame(frame, table)
        decided = {int(r["row"]): r for r in batch.decided.to_dict(orient="records")}
        errors: dict[int, list[dict[str, Any]]] = {}
        for e in batch.errors.to_dict(orient="records"):
            e["value"] = None if is_blank(e["value"]) and not isinstance(e["value"], str) else e["value"]
            errors.setdefault(int(e["row"]), []).append({k: e[k] for k in ("field", "value", "reason", "message")})
        assert batch.read == len(rows) and len(decided) + len(errors) == len(rows)
        names = output_columns(table)[2:-4]
        for number, row in enumerate(rows, start=1):
            record = {k: v for k, v in row.items() if not is_blank(v)}  # a blank cell is an absent value
            try:
                single = table.decide(record)
            except InputError as exc:
                want = [{k: i.to_dict()[k] for k in ("field", "value", "reason", "message")} for i in exc.issues]
                assert errors.get(number) == want, (record, errors.get(number))
                continue
            assert number not in errors, (record, errors[number])
            decided_rows += 1
            got = decided[number]
            assert {n: cell_text(single.outputs[n]) for n in names} == {n: empty_as_none(got[n]) for n in names}, record
            assert got["matched_rules"] == LIST_SEPARATOR.join(m.code for m in single.matched)
            assert got["id"] == single.id
            # Every matched rule's condition holds on the parsed values, and no other rule's does.
            values = table.parser.parse(record)
            holding = [
                i
                for i, checks in enumerate(table.atoms[: len(table.rules.rules)])
                if all(c.holds(values.get(c.field)) for c in checks)
            ]
            expected = holding[:1] if table.rules.hit_policy == "first" else holding
            assert [m.code for m in single.matched] == [table.rules.rules[i].code for i in expected]
        event("rows decided" if decided_rows else "no row decided")
    finally:
        table.close()
