"""Rule-change impact: the same portfolio graded under the current rule set (A)
and a candidate (B): who changes level (both ways) and the score deltas,
overall and per criterion — what analysts look at before they publish weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from gradegate.reports.rule_changes import grading_changes
from gradegate.scoring import GradingRuleSet

DIRECTION_LABELS = {"up": "升为公司级", "down": "降为办事处级"}


@dataclass
class Impact:
    version_a: str
    version_b: str
    rules: pd.DataFrame  # what changed in the rules (change, before, after): stated before who moves
    summary: pd.DataFrame  # one row: compared, up, down, unchanged, mean delta, graded under one only
    changes: pd.DataFrame  # projects whose final level differs
    criteria: pd.DataFrame  # per criterion (and the total): mean points A/B, mean delta, projects changed
    projects: pd.DataFrame  # every project: totals and per-criterion deltas


def criterion_codes(a: GradingRuleSet, b: GradingRuleSet) -> list[tuple[str, str]]:
    """(code, label) of every criterion of A, then any that only B has."""
    seen = {c.code: c.label for c in a.rules.criteria}
    for c in b.rules.criteria:
        seen.setdefault(c.code, c.label)
    return list(seen.items())


def compare(graded_a: pd.DataFrame, graded_b: pd.DataFrame, a: GradingRuleSet, b: GradingRuleSet) -> Impact:
    criteria = criterion_codes(a, b)
    points = [f"points_{code}" for code, _ in criteria]
    keep = ["row", "project_id", "project_name", "office", "total_score", "level", "level_label", *points]
    left = graded_a.reindex(columns=keep).fillna({p: 0 for p in points})
    right = graded_b.reindex(columns=["row", "total_score", "level", "level_label", *points]).fillna(
        {p: 0 for p in points}
    )
    both = left.merge(right, on="row", suffixes=("_a", "_b"), how="inner")
    projects = both[["row", "project_id", "project_name", "office"]].copy()
    projects["total_a"] = both["total_score_a"]
    projects["total_b"] = both["total_score_b"]
    projects["delta"] = both["total_score_b"] - both["total_score_a"]
    for code, _ in criteria:
        projects[f"delta_{code}"] = both[f"points_{code}_b"] - both[f"points_{code}_a"]
    projects["level_a"], projects["level_b"] = both["level_a"], both["level_b"]
    projects["level_a_label"], projects["level_b_label"] = both["level_label_a"], both["level_label_b"]
    moved = projects["level_a"] != projects["level_b"]
    projects["direction"] = None
    projects.loc[moved & (projects["level_b"] == "company"), "direction"] = "up"
    projects.loc[moved & (projects["level_b"] != "company"), "direction"] = "down"
    projects["direction_label"] = projects["direction"].map(DIRECTION_LABELS)

    changes = projects[moved].sort_values(["direction", "delta", "row"], ascending=[False, False, True], kind="stable")
    changes = changes[
        ["row", "project_id", "project_name", "office", "total_a", "total_b", "delta", "level_a_label",
         "level_b_label", "direction", "direction_label"]
    ]  # fmt: skip

    rows = []
    for code, label in [*criteria, ("total", "总分")]:
        col_a, col_b = (
            ("total_score_a", "total_score_b") if code == "total" else (f"points_{code}_a", f"points_{code}_b")
        )
        delta = both[col_b] - both[col_a]
        rows.append(
            dict(
                criterion=code,
                label=label,
                mean_a=float(both[col_a].mean()) if len(both) else 0.0,
                mean_b=float(both[col_b].mean()) if len(both) else 0.0,
                mean_delta=float(delta.mean()) if len(both) else 0.0,
                projects_changed=int((delta != 0).sum()),
                min_delta=int(delta.min()) if len(both) else 0,
                max_delta=int(delta.max()) if len(both) else 0,
            )
        )
    only_one = len(set(graded_a["row"]) ^ set(graded_b["row"]))
    summary = pd.DataFrame(
        [
            dict(
                version_a=a.identity.version,
                version_b=b.identity.version,
                compared=len(projects),
                up=int((projects["direction"] == "up").sum()),
                down=int((projects["direction"] == "down").sum()),
                unchanged=int((~moved).sum()),
                mean_delta=float(projects["delta"].mean()) if len(projects) else 0.0,
                graded_under_one_only=only_one,
            )
        ]
    )
    return Impact(
        version_a=a.identity.version,
        version_b=b.identity.version,
        rules=grading_changes(a.rules, b.rules),
        summary=summary,
        changes=changes.reset_index(drop=True),
        criteria=pd.DataFrame(rows),
        projects=projects,
    )
