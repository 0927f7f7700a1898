"""The numbers of `gradegate report` equal pandas computations on the graded table.

The sample portfolio goes through the real CLI once; every summary, pivot and
watch list it wrote is recomputed here from csv/grading.csv and
csv/gate_status.csv, and a sample of rows is checked against the single-record
paths (durable_rules grading and gate checks) so that the batch tables cannot
drift from the rules.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gradegate.reports.portfolio_input import parse_extras
from gradegate.scoring.rulesets import load_rulesets
from tests.helpers import DATA, run_cli

SAMPLE = DATA / "sample_portfolio.csv"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("report")
    result = run_cli("report", SAMPLE, "-o", target)
    assert result.returncode == 3, result.stderr  # the sample holds deliberately bad rows
    assert f"被拒记录 → {target / 'errors.csv'}" in result.stderr
    return target


def csv(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "csv" / f"{name}.csv", encoding="utf-8-sig", keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def graded(out: Path) -> pd.DataFrame:
    return csv(out, "grading")


def test_counts_add_up(out: Path, graded: pd.DataFrame) -> None:
    source = pd.read_csv(SAMPLE, dtype=str)
    errors = pd.read_csv(out / "errors.csv", encoding="utf-8-sig")
    about = csv(out, "about").set_index("item")["value"]
    assert int(about["read"]) == len(source)
    assert int(about["graded"]) == len(graded)
    assert int(about["rejected"]) == errors["row"].nunique()
    assert len(graded) + errors["row"].nunique() == len(source)
    assert not set(graded["row"]) & set(errors["row"])  # a rejected row is nowhere in the tables
    assert about["grading_version"] == graded["ruleset_version"].iloc[0]


def test_level_summary(out: Path, graded: pd.DataFrame) -> None:
    table = csv(out, "level_summary").set_index("level")
    expected = graded.groupby("level")["amount_rmb"].agg(["size", "sum"])
    for level in ("company", "office"):
        assert table.at[level, "projects"] == expected.at[level, "size"]
        assert table.at[level, "amount_rmb"] == pytest.approx(expected.at[level, "sum"])
    assert table["level_label"].to_dict() == {"company": "公司级", "office": "办事处级"}


@pytest.mark.parametrize("by", ["office", "region"])
def test_level_pivots(out: Path, graded: pd.DataFrame, by: str) -> None:
    table = csv(out, f"{by}_level").set_index(by)
    counts = pd.crosstab(graded[by], graded["level"])
    amounts = graded.pivot_table(index=by, columns="level", values="amount_rmb", aggfunc="sum", fill_value=0)
    assert set(table.index) == set(graded[by])
    for key in table.index:
        for level in ("company", "office"):
            assert table.at[key, f"projects_{level}"] == counts.at[key, level]
            assert table.at[key, f"amount_{level}"] == pytest.approx(amounts.at[key, level])
        assert table.at[key, "projects_total"] == (graded[by] == key).sum()
    assert list(table["amount_total"]) == sorted(table["amount_total"], reverse=True)


def test_stage_summary_and_distribution(out: Path, graded: pd.DataFrame) -> None:
    stages = csv(out, "stage_summary").set_index("stage")
    for stage, group in graded.groupby("stage"):
        assert stages.at[stage, "projects"] == len(group)
        assert stages.at[stage, "amount_rmb"] == pytest.approx(group["amount_rmb"].sum())
        assert stages.at[stage, "company_projects"] == (group["level"] == "company").sum()
    dist = csv(out, "score_distribution")
    counts = (graded["total_score"] // 5 * 5).value_counts()
    assert dict(zip(dist["score_from"], dist["projects"], strict=True)) == {
        lo: int(counts.get(lo, 0)) for lo in dist["score_from"]
    }
    assert dist["projects"].sum() == len(graded)


def test_watch_lists(out: Path, graded: pd.DataFrame) -> None:
    near = csv(out, "watch_near_threshold")
    assert set(near["project_id"]) == set(graded.loc[(graded["total_score"] - 40).abs() <= 3, "project_id"])
    assert list(near["margin"].abs()) == sorted(near["margin"].abs())
    overrides = csv(out, "watch_overrides")
    with_override = graded[graded["override_level"].notna()]
    assert len(with_override) > 0
    assert set(overrides["project_id"]) == set(with_override["project_id"])
    assert overrides["override_approved_by"].notna().all() and overrides["override_reason"].notna().all()
    gates = csv(out, "gate_status")
    blocked = csv(out, "watch_blocked_company")
    expected = gates[(gates["level"] == "company") & (gates["gate_status"] == "blocked")]
    assert len(expected) > 0
    assert set(blocked["project_id"]) == set(expected["project_id"])
    assert blocked["blocking"].str.len().gt(0).all() and blocked["owners"].str.len().gt(0).all()


def test_gate_summaries(out: Path, graded: pd.DataFrame) -> None:
    gates = csv(out, "gate_status")
    assert set(gates["project_id"]) == set(graded["project_id"])
    by_stage = csv(out, "gate_by_stage").set_index("stage")
    counts = pd.crosstab(gates["stage"], gates["gate_status"])
    for stage in counts.index:
        for status in counts.columns:
            assert by_stage.at[stage, status] == counts.at[stage, status]
    items = csv(out, "blocking_items")
    assert (gates.set_index("row")["blocking_count"].sum()) == len(items)
    missing = csv(out, "missing_deliverables")
    expected = items[items["kind"] == "deliverable"].groupby(["stage", "code"]).size()
    assert dict(zip(zip(missing["stage"], missing["code"], strict=True), missing["projects"], strict=True)) == (
        expected.to_dict()
    )
    ready = gates[gates["gate_status"] == "ready"]
    assert (ready["readiness"] == 1.0).all() and (ready["blocking_count"] == 0).all()


def test_rejected_rows_listed(out: Path) -> None:
    errors = pd.read_csv(out / "errors.csv", encoding="utf-8-sig")
    fields = set(errors["field"])
    # one of each kind of breakage the generator plants (data/make_portfolio.py BAD_ROWS + a duplicate id)
    assert {"amount_rmb", "strategic_status", "deliv_cmt", "flag_bid", "passed_gates", "product_line_count"} <= fields
    assert "duplicate" in set(errors["reason"])
    assert errors["message"].str.len().gt(10).all()


def test_batch_tables_agree_with_single_record_paths(out: Path, graded: pd.DataFrame) -> None:
    """A sample of rows graded and gate-checked one by one (durable_rules) gives the report's numbers."""
    rules = load_rulesets()
    source = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False, na_values=[""])
    extras = parse_extras(source, rules.gates)
    gates = csv(out, "gate_status").set_index("row")
    rng = np.random.default_rng(5)
    for row in rng.choice(graded["row"].to_numpy(), size=40, replace=False):
        record = {
            k: v
            for k, v in source.iloc[row - 1].items()
            if isinstance(v, str) and not k.startswith(("flag_", "deliv_"))
        }
        record.pop("passed_gates", None)
        record.pop("product_lines", None)
        result = rules.grading.grade(record)
        mine = graded.set_index("row").loc[row]
        assert (result.total_score, result.level) == (mine["total_score"], mine["level"])
        flags = {f: bool(v) for f, v in extras.flags.iloc[row - 1].items()}
        passed = list(extras.passed.iloc[row - 1])
        gate = rules.gates.next_gate(passed, flags)
        if gate is None:
            assert gates.at[row, "gate_status"] == "done"
            continue
        deliverables = {k: v for k, v in extras.deliverables.iloc[row - 1].items() if isinstance(v, str)}
        request = dict(project_id="x", gate=gate, level=result.level, flags=flags, passed_gates=passed)
        check = rules.gates.check({**request, "deliverables": deliverables}, rules.grading)
        assert gates.at[row, "next_gate"] == gate
        assert gates.at[row, "gate_status"] == ("ready" if check.ready else "blocked")
        assert gates.at[row, "blocking_count"] == len(check.blocking)


def test_rows_the_gate_check_refuses_are_rejected_not_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the readiness check refuses a project (InputError), the row goes to the errors, out of every table."""
    from gradegate.reports.build import build_report
    from gradegate.scoring.errors import FieldIssue, InputError
    from gradegate.scoring.tabular import read_table

    rules = load_rulesets()
    real_check = rules.gates.check

    def check(request, grading, gate=None):
        if request["gate"] == "R3":
            raise InputError([FieldIssue("gate", "R3", "test_refusal", "refused for the test", None)])
        return real_check(request, grading, gate)

    monkeypatch.setattr(rules.gates, "check", check)
    built = build_report(read_table(SAMPLE), rules.grading, rules.gates)
    errors = built.table("errors")
    refused = errors[errors["reason"] == "test_refusal"]
    assert len(refused) > 0
    assert not set(refused["row"]) & set(built.table("grading")["row"])
    assert not set(refused["row"]) & set(built.table("gate_status")["row"])
    assert built.read == built.graded + built.rejected == len(read_table(SAMPLE))
    assert "R3" not in set(built.table("gate_status")["next_gate"])
