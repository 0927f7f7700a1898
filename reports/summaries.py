"""Portfolio summaries over the graded table: by level, office × level and
region × level pivots, by stage, the score distribution, and gate status per stage.

Every number is a plain pandas aggregation of the graded table (the tests
recompute each one); labels are added for managers, codes kept for machines.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from gradegate.scoring import STAGES

UNSET = "(未填)"  # a blank office, region or stage, shown rather than dropped
BIN_WIDTH = 5


def level_summary(graded: pd.DataFrame, level_labels: Mapping[str, str]) -> pd.DataFrame:
    grouped = graded.groupby("level")["amount_rmb"].agg(projects="size", amount_rmb="sum")
    frame = grouped.reindex(list(level_labels), fill_value=0).rename_axis("level").reset_index()
    frame.insert(1, "level_label", frame["level"].map(level_labels))
    frame["projects"] = frame["projects"].astype("int64")
    frame["project_share"] = frame["projects"] / max(len(graded), 1)
    frame["amount_share"] = frame["amount_rmb"] / (graded["amount_rmb"].sum() or 1)
    return frame


def level_pivot(graded: pd.DataFrame, by: str, level_labels: Mapping[str, str]) -> pd.DataFrame:
    """One row per office (or region): project count and amount per level, and totals; largest amount first."""
    keys = graded[by].fillna(UNSET)
    counts = pd.crosstab(keys, graded["level"]).reindex(columns=list(level_labels), fill_value=0)
    amounts = (
        graded.assign(_key=keys)
        .pivot_table(index="_key", columns="level", values="amount_rmb", aggfunc="sum", fill_value=0.0)
        .reindex(columns=list(level_labels), fill_value=0.0)
    )
    frame = pd.DataFrame(index=counts.index)
    for level in level_labels:
        frame[f"projects_{level}"] = counts[level].astype("int64")
    frame["projects_total"] = counts.sum(axis=1).astype("int64")
    for level in level_labels:
        frame[f"amount_{level}"] = amounts.reindex(counts.index)[level].astype("float64")
    frame["amount_total"] = frame[[f"amount_{level}" for level in level_labels]].sum(axis=1)
    frame = frame.sort_values(["amount_total", "projects_total"], ascending=False)
    return frame.rename_axis(by).reset_index()


def stage_summary(graded: pd.DataFrame) -> pd.DataFrame:
    keys = graded["stage"].fillna(UNSET)
    frame = (
        graded.assign(_stage=keys, _company=graded["level"].eq("company"))
        .groupby("_stage")
        .agg(projects=("amount_rmb", "size"), amount_rmb=("amount_rmb", "sum"), company_projects=("_company", "sum"))
    )
    order = [s for s in [*STAGES, UNSET] if s in frame.index]
    frame = frame.loc[order].rename_axis("stage").reset_index()
    frame.insert(1, "stage_label", frame["stage"].map(lambda s: STAGES.get(s, s)))
    return frame.astype({"projects": "int64", "company_projects": "int64"})


def score_distribution(graded: pd.DataFrame, max_score: int, level_labels: Mapping[str, str]) -> pd.DataFrame:
    """Projects per score band of BIN_WIDTH points: [0, 5), [5, 10), … up to the maximum score."""
    lowers = np.arange(0, max_score + 1, BIN_WIDTH)
    band = (graded["total_score"].to_numpy() // BIN_WIDTH) * BIN_WIDTH
    frame = pd.DataFrame({"score_from": lowers, "score_to": np.minimum(lowers + BIN_WIDTH - 1, max_score)})
    frame["band"] = [f"{a}–{b}" for a, b in zip(frame["score_from"], frame["score_to"], strict=True)]
    frame["projects"] = [int((band == lo).sum()) for lo in lowers]
    levels = graded["computed_level"].to_numpy()
    for level in level_labels:
        frame[f"computed_{level}"] = [int(((band == lo) & (levels == level)).sum()) for lo in lowers]
    return frame


def gate_stage_summary(gate_projects: pd.DataFrame, blocking: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """Per stage: projects, ready, blocked, all gates passed, blocked share, the most frequent missing deliverables."""
    keys = gate_projects["stage"].fillna(UNSET)
    status = pd.crosstab(keys, gate_projects["gate_status"]).reindex(columns=["ready", "blocked", "done"], fill_value=0)
    order = [s for s in [*STAGES, UNSET] if s in status.index]
    frame = status.loc[order].rename_axis("stage").reset_index()
    frame.insert(1, "stage_label", frame["stage"].map(lambda s: STAGES.get(s, s)))
    frame.insert(2, "projects", frame[["ready", "blocked", "done"]].sum(axis=1))
    frame["blocked_share"] = frame["blocked"] / frame["projects"]
    missing = missing_deliverables(blocking)
    frame["top_missing"] = [
        "、".join(f"{r.label}({r.projects})" for r in missing[missing["stage"] == s].head(top).itertuples())
        for s in frame["stage"]
    ]
    return frame


def missing_deliverables(blocking: pd.DataFrame) -> pd.DataFrame:
    """Per stage and deliverable: how many projects it blocks (most first within a stage)."""
    items = blocking[blocking["kind"] == "deliverable"].assign(stage=blocking["stage"].fillna(UNSET))
    frame = (
        items.groupby(["stage", "code", "label", "owner_role_label"], sort=False)
        .size()
        .rename("projects")
        .reset_index()
    )
    frame = frame.sort_values("code").sort_values(
        ["stage", "projects"], ascending=[True, False], key=_stage_key, kind="stable"
    )
    frame.insert(1, "stage_label", frame["stage"].map(lambda s: STAGES.get(s, s)))
    return frame.reset_index(drop=True)


def _stage_key(column: pd.Series) -> pd.Series:
    if column.name != "stage":
        return column
    rank = {s: i for i, s in enumerate([*STAGES, UNSET])}
    return column.map(rank)
