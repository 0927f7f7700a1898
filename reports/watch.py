"""Watch lists for the management team: projects a small change would flip,
company-level projects stuck at their next gate, and levels set by override.
"""

from __future__ import annotations

import pandas as pd

NEAR = 3  # points either side of the threshold (|margin| ≤ NEAR)
NEAR_COLUMNS = [
    "row", "project_id", "project_name", "office", "region", "stage", "total_score", "margin",
    "computed_level_label", "level_label",
]  # fmt: skip
BLOCKED_COLUMNS = [
    "row", "project_id", "project_name", "office", "stage", "amount_rmb", "next_gate", "next_gate_label", "readiness",
    "blocking_count", "blocking", "owners", "decision_authority_label",
]  # fmt: skip
OVERRIDE_COLUMNS = [
    "row", "project_id", "project_name", "office", "total_score", "computed_level_label", "level_label",
    "override_approved_by", "override_reason",
]  # fmt: skip


def near_threshold(graded: pd.DataFrame, near: int = NEAR) -> pd.DataFrame:
    """Projects whose total is within `near` points of the threshold, closest first."""
    frame = graded[graded["margin"].abs() <= near]
    frame = frame.assign(_distance=frame["margin"].abs()).sort_values(["_distance", "margin", "row"], kind="stable")
    return frame[NEAR_COLUMNS].reset_index(drop=True)


def blocked_company(gate_projects: pd.DataFrame, graded: pd.DataFrame) -> pd.DataFrame:
    """Company-level projects whose next gate is blocked, largest amount first (people.md): what
    blocks them and whose move it is."""
    frame = gate_projects[(gate_projects["level"] == "company") & (gate_projects["gate_status"] == "blocked")]
    amount = graded.set_index("row")["amount_rmb"]
    frame = frame.assign(amount_rmb=frame["row"].map(amount))
    order = frame.sort_values(["amount_rmb", "row"], ascending=[False, True], kind="stable")
    return order[BLOCKED_COLUMNS].reset_index(drop=True)


def overrides(graded: pd.DataFrame) -> pd.DataFrame:
    frame = graded[graded["override_level"].notna()]
    return frame[OVERRIDE_COLUMNS].reset_index(drop=True)
