"""The summary functions on arbitrary graded tables (blank offices and stages, one
level only, empty): totals always add up to the graded table's, nothing is lost."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradegate.reports import summaries, watch
from gradegate.reports.summaries import UNSET

LABELS = {"company": "公司级", "office": "办事处级"}
project = st.fixed_dictionaries(
    {
        "office": st.sampled_from(["深圳办事处", "西安办事处", None]),
        "region": st.sampled_from(["华南地区部", None]),
        "stage": st.sampled_from(["initiation", "closure", None]),
        "amount_rmb": st.floats(min_value=0, max_value=1e9, allow_nan=False),
        "total_score": st.integers(min_value=0, max_value=100),
        "override": st.sampled_from([None, None, "company", "office"]),
    }
)


def graded_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["office", "region", "stage", "amount_rmb", "total_score", "override"])
    frame["amount_rmb"] = frame["amount_rmb"].astype(float)
    frame["total_score"] = frame["total_score"].astype("int64")
    frame["computed_level"] = (frame["total_score"] >= 40).map({True: "company", False: "office"})
    frame["level"] = frame["override"].where(frame["override"].notna(), frame["computed_level"])
    frame["override_level"] = frame["override"]
    frame["margin"] = frame["total_score"] - 40
    for column in watch.NEAR_COLUMNS + watch.OVERRIDE_COLUMNS:
        if column not in frame:
            frame[column] = "x"
    return frame


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(project, max_size=30))
def test_totals_add_up(rows: list[dict]) -> None:
    graded = graded_frame(rows)
    total = graded["amount_rmb"].sum()
    levels = summaries.level_summary(graded, LABELS)
    assert levels["projects"].sum() == len(graded)
    assert levels["amount_rmb"].sum() == pytest.approx(total)
    for by in ("office", "region"):
        pivot = summaries.level_pivot(graded, by, LABELS)
        assert pivot["projects_total"].sum() == len(graded)
        assert pivot["amount_total"].sum() == pytest.approx(total)
        blanks = graded[by].isna().sum()
        assert (pivot.loc[pivot[by] == UNSET, "projects_total"].sum()) == blanks
    stages = summaries.stage_summary(graded)
    assert stages["projects"].sum() == len(graded)
    assert stages["company_projects"].sum() == (graded["level"] == "company").sum()
    dist = summaries.score_distribution(graded, 100, LABELS)
    assert dist["projects"].sum() == len(graded)
    assert (dist["computed_company"] + dist["computed_office"] == dist["projects"]).all()
    near = watch.near_threshold(graded)
    assert len(near) == (graded["margin"].abs() <= 3).sum()
    assert len(watch.overrides(graded)) == graded["override"].notna().sum()
