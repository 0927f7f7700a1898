"""The two evaluation paths are one truth: durable_rules (single record) and the
vectorized batch path agree on every input — property tests, band edges included."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradegate.scoring.errors import InputError
from gradegate.scoring.grading.frame import grade_frame
from gradegate.scoring.grading.ruleset import GradingRuleSet
from gradegate.scoring.rulesets import load_rulesets
from gradegate.scoring.vocabulary import GRADING_FIELDS, RISK_FACTORS, RISK_VALUES

RULES = load_rulesets().grading
AMOUNT_EDGES = [0, 500_000, 1_000_000, 3_000_000, 5_000_000, 10_000_000, 20_000_000, 50_000_000]


def near_edges(edges: list[float]) -> st.SearchStrategy[float]:
    """Exactly on a band limit, a cent either side, or anywhere."""
    on_edge = st.sampled_from(edges)
    return st.one_of(
        on_edge,
        on_edge.map(lambda x: x + 0.01),
        on_edge.map(lambda x: max(0.0, x - 0.01)),
        st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False),
    )


def spelled(codes: list[str], labels: dict[str, str]) -> st.SearchStrategy[str]:
    """An enum value as a person may type it: code or label, any case, padded."""
    return st.tuples(
        st.sampled_from(codes), st.booleans(), st.sampled_from(["", " ", "  ", "\t", "\u3000"]), st.booleans()
    ).map(lambda t: t[2] + (labels[t[0]] if t[1] else (t[0].upper() if t[3] else t[0])) + t[2])


def _enum_labels(field: str) -> dict[str, str]:
    return {code: v.label for code, v in RULES.rules.criterion_for(field).values.items()}


RISK_LABELS = dict(RULES.rules.criterion_for("risk").factor_values)


@st.composite
def projects(draw: st.DrawFn) -> dict[str, str]:
    record = {
        "project_id": draw(st.text(alphabet="ABCDP0123456789-", min_size=1, max_size=12)),
        "amount_rmb": draw(near_edges(AMOUNT_EDGES)),
        "external_service_amount_rmb": draw(near_edges(AMOUNT_EDGES)),
        "product_line_count": draw(st.integers(min_value=1, max_value=40)),
    }
    for field, spec in GRADING_FIELDS.items():
        if spec.kind == "enum":
            record[field] = draw(spelled(list(spec.codes), _enum_labels(field)))
    for factor in RISK_FACTORS:
        record[f"risk_{factor}"] = draw(spelled(list(RISK_VALUES), RISK_LABELS))
    if draw(st.integers(0, 9)) == 0:
        record["override_level"] = draw(st.sampled_from(["company", "office", "公司级", "办事处级"]))
        record["override_approved_by"] = "MSMT"
        record["override_reason"] = "strategic account"
    # Numbers reach the batch path as text, as a CSV cell holds them; thousands separators sometimes.
    as_text = {k: (f"{v:,.2f}" if isinstance(v, float) and draw(st.booleans()) else repr(v)) for k, v in record.items()
               if isinstance(v, int | float)}  # fmt: skip
    return {**record, **as_text}


COMPARED = ["total_score", "level", "computed_level", "risk_level", "margin"]


def _single(ruleset: GradingRuleSet, record: dict[str, str]) -> dict[str, object]:
    result = ruleset.grade(record)
    return {
        **{k: getattr(result, k) for k in COMPARED},
        **{f"points_{c}": p for c, p in result.points().items()},
    }


def _assert_parity(ruleset: GradingRuleSet, records: list[dict[str, str]]) -> None:
    frame = pd.DataFrame([{**r, "project_id": f"{i}-{r['project_id']}"} for i, r in enumerate(records)], dtype="str")
    batch = grade_frame(frame, ruleset)
    assert batch.rejected_count == 0, batch.errors.to_dict(orient="records")
    for i, record in enumerate(records):
        want = _single(ruleset, record)
        got = batch.graded.iloc[i][list(want)].to_dict()
        assert {k: (v.item() if hasattr(v, "item") else v) for k, v in got.items()} == want, record


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(projects(), min_size=1, max_size=8))
def test_durable_rules_and_vectorized_agree_on_random_projects(records: list[dict[str, str]]) -> None:
    _assert_parity(RULES, records)


def banded(draw: st.DrawFn, minimum: float, top: int, integer: bool) -> tuple[list[dict], list[float]]:
    """Random contiguous bands from `minimum` up, in every form a rule file may use: a limit is
    either a plain step (`below: x` then `from: x`) or a single value carved out (`below: x`,
    `equals: x`, `above: x`), the first band included. Returns the bands and their limits."""
    step = 1 if integer else 0.5
    cuts = sorted(draw(st.sets(st.integers(int(minimum) + 1, top).map(lambda x: x * step if not integer else x),
                               min_size=0, max_size=5)))  # fmt: skip
    limits = [float(minimum), *map(float, cuts)]
    bands: list[dict] = []
    points = st.integers(0, 30)
    for j, limit in enumerate(limits):
        upper = {"below": limits[j + 1]} if j + 1 < len(limits) else {}
        if draw(st.booleans()):  # a single value carved out at this limit
            bands.append({"equals": limit, "points": draw(points)})
            if integer and j + 1 < len(limits) and limits[j + 1] == limit + 1:
                continue  # no integer lies strictly between: the next limit starts the next band
            bands.append({"above": limit, **upper, "points": draw(points)})
        else:
            bands.append({"from": limit, **upper, "points": draw(points)})
    return bands, limits


COUNT = st.integers(0, len(RISK_FACTORS))
CONDITIONS = st.one_of(
    COUNT.map(lambda n: {"at_least": n}),
    COUNT.map(lambda n: {"at_most": n}),
    COUNT.map(lambda n: {"exactly": n}),
    st.tuples(COUNT, COUNT).map(lambda t: {"at_least": min(t), "at_most": max(t)}),
)


def risk_levels(draw: st.DrawFn) -> list[dict]:
    """One to four risk levels with random points and random `when` counts; the last is 'otherwise'."""
    levels = []
    for j in range(draw(st.integers(0, 3))):
        values = draw(st.lists(st.sampled_from(RISK_VALUES), min_size=1, max_size=3, unique=True))
        when = {v: draw(CONDITIONS) for v in values}
        levels.append({"code": f"level_{j}", "label": f"级别{j}", "points": draw(st.integers(0, 20)), "when": when})
    levels.append({"code": "otherwise", "label": "其他", "points": draw(st.integers(0, 20))})
    return levels


@st.composite
def rule_files(draw: st.DrawFn) -> dict:
    """The default rule file with every criterion drawn at random: the bands (their limits, forms and
    points) of every numeric criterion, the points of every enum value, the risk levels (their `when`
    counts and points), and the threshold. `_edges` holds each band limit per field, for edge records."""
    data = yaml.safe_load((Path(RULES.identity.path)).read_text(encoding="utf-8"))
    edges: dict[str, list[float]] = {}
    for criterion in data["criteria"]:
        field = GRADING_FIELDS[criterion["field"]]
        if field.kind in ("number", "integer"):
            integer = field.kind == "integer"
            top = 40 if integer else 160_000_000
            criterion["bands"], edges[field.name] = banded(draw, field.minimum or 0, top, integer)
        elif field.kind == "enum":
            for value in criterion["values"].values():
                value["points"] = draw(st.integers(0, 20))
        elif field.kind == "risk":
            criterion["levels"] = risk_levels(draw)
    data["version"] = "random"
    data["threshold"] = 0
    max_score = sum(
        max([b["points"] for b in c.get("bands", [])] + [v["points"] for v in c.get("values", {}).values()]
            + [lv["points"] for lv in c.get("levels", [])])
        for c in data["criteria"]
    )  # fmt: skip
    data["threshold"] = draw(st.integers(0, max_score))
    data["_edges"] = edges
    return data


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(rule_files(), st.data())
def test_paths_agree_under_random_rule_files(
    tmp_path_factory: pytest.TempPathFactory, data: dict, more: st.DataObject
) -> None:
    edges = data.pop("_edges")
    path = tmp_path_factory.mktemp("rules") / "grading.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ruleset = GradingRuleSet.load(path)
    try:
        records = more.draw(st.lists(projects(), min_size=1, max_size=5))
        # Every band limit of every numeric criterion, exactly and one step either side.
        edge_records = [
            {**records[0], field: repr(int(x + d) if GRADING_FIELDS[field].kind == "integer" else x + d)}
            for field, limits in edges.items()
            for x in limits
            for d in ((-1, 0, 1) if GRADING_FIELDS[field].kind == "integer" else (-0.01, 0.0, 0.01))
            if x + d >= (GRADING_FIELDS[field].minimum or 0)
        ]
        _assert_parity(ruleset, records + edge_records)
    finally:
        ruleset.close()


# --- parsing: the vectorized parser accepts, normalizes and rejects exactly like the single-record parser ---

MESSY = st.one_of(
    st.sampled_from(["", " ", "abc", "-1", "1,2", "1,234", "12,345,678.9", "1e3", "1E-2", "0", "0.0", "007", "nan",
                     "inf", "1_000", "+5", ".5", "5.", "٣", "１２", "2.5", "3.0", "1,000,000,000,000,000,000"]),
    st.text(alphabet="0123456789,.-e ", max_size=12),
)  # fmt: skip
ENUM_MESSY = st.one_of(
    st.sampled_from(
        ["", "  ", "core", " CORE ", "战略核心", "重要 ", "x", "Core\u3000", "high", "高", "中", "none", "无"]
    ),
    st.text(max_size=6),
)


@st.composite
def messy_rows(draw: st.DrawFn) -> dict[str, str | None]:
    row: dict[str, str | None] = {"project_id": draw(st.one_of(st.none(), st.sampled_from(["", " ", "P1", "P2"]),
                                                            st.text(max_size=70)))}  # fmt: skip
    for field, spec in GRADING_FIELDS.items():
        if spec.kind in ("number", "integer"):
            row[field] = draw(st.one_of(st.none(), MESSY))
        elif spec.kind == "enum":
            row[field] = draw(st.one_of(st.none(), ENUM_MESSY))
    for factor in RISK_FACTORS:
        row[f"risk_{factor}"] = draw(st.one_of(st.none(), ENUM_MESSY))
    row["stage"] = draw(st.one_of(st.none(), st.sampled_from(["", "立项", "signing", "SIGNING", "x"])))
    row["override_level"] = draw(st.one_of(st.none(), st.sampled_from(["", "公司级", "office", "boss"])))
    row["override_approved_by"] = draw(st.one_of(st.none(), st.sampled_from(["", "VP"])))
    row["override_reason"] = draw(st.one_of(st.none(), st.sampled_from(["", "why"])))
    return row


@settings(max_examples=200, deadline=None)
@given(st.lists(messy_rows(), min_size=1, max_size=6))
def test_batch_parser_rejects_exactly_like_single_parser(rows: list[dict[str, str | None]]) -> None:
    batch = grade_frame(pd.DataFrame(rows, dtype="str"), RULES)
    for i, row in enumerate(rows, start=1):
        batch_issues = [
            (e["field"], e["reason"], e["message"])
            for e in batch.errors[batch.errors["row"] == i].to_dict(orient="records")
            if e["reason"] != "duplicate"
        ]
        try:
            single = RULES.grade(row)
        except InputError as exc:
            assert batch_issues == [(x.field, x.reason, x.message) for x in exc.issues], row
            continue
        assert batch_issues == []
        duplicate = (batch.errors["row"] == i).any()
        if not duplicate:
            graded = batch.graded[batch.graded["row"] == i].iloc[0]
            assert graded["total_score"] == single.total_score
            assert graded["project_id"] == single.project_id
