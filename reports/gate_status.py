"""Gate status of every graded project: its next gate, ready or blocked, how far
along (readiness %), what blocks it and whose move it is — through the gate
rule set's own readiness check (durable_rules), never a second copy of the rules.

A check of gate G reads only the level, the flags, the passed gates and the
statuses of G's own deliverables; projects that agree on those get the same
answer, so each distinct situation is checked once and the answer is spread
back over its projects with pandas (100k projects ≈ a few thousand checks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gradegate.reports.portfolio_input import ERROR_COLUMNS, PortfolioExtras
from gradegate.scoring import STATUSES, Blocking, GateCheckResult, GateRuleSet, GradingRuleSet, InputError

Progress = Callable[[int, int], None]
STATUS_LABELS = {"ready": "就绪", "blocked": "受阻", "done": "关口已全部通过"}
PROJECT_COLUMNS = [
    "row", "project_id", "project_name", "office", "region", "stage", "level", "level_label", "next_gate",
    "next_gate_label", "gate_status", "gate_status_label", "readiness", "satisfied", "applicable_items",
    "blocking_count", "blocking", "owners", "decision_authority_label",
]  # fmt: skip
OUTCOME_COLUMNS = PROJECT_COLUMNS[PROJECT_COLUMNS.index("next_gate") :]
BLOCKING_COLUMNS = [
    "row", "project_id", "stage", "level", "gate", "kind", "code", "label", "reason", "status", "status_label",
    "required_status", "owner_role", "owner_role_label",
]  # fmt: skip
ITEM_COLUMNS = BLOCKING_COLUMNS[BLOCKING_COLUMNS.index("gate") :]


@dataclass
class GateStatus:
    projects: pd.DataFrame  # one row per graded project the check accepted (PROJECT_COLUMNS)
    blocking: pd.DataFrame  # one row per unmet condition (BLOCKING_COLUMNS)
    errors: pd.DataFrame  # rows the readiness check refused (ERROR_COLUMNS)
    checks: int  # distinct situations actually checked


def gate_status(
    graded: pd.DataFrame,
    extras: PortfolioExtras,
    gates: GateRuleSet,
    grading: GradingRuleSet,
    progress: Progress | None = None,
) -> GateStatus:
    """`graded` holds the valid rows (column `row`, 1-based); `extras` is indexed by input position."""
    pos = graded["row"].to_numpy() - 1
    flag_names = list(extras.flags.columns)
    masks = extras.flags.to_numpy()[pos].astype(np.int64) @ (1 << np.arange(len(flag_names), dtype=np.int64))
    passed = extras.passed.to_numpy()[pos]
    situations = pd.DataFrame({"level": graded["level"].to_numpy(), "flags": masks})
    situations["passed"] = [";".join(p) for p in passed]
    situations["next_gate"] = _next_gates(gates, situations, passed, flag_names)
    deliverables = extras.deliverables.iloc[pos].reset_index(drop=True)
    levels = graded["level"].to_numpy()
    statuses_of = deliverables.to_numpy(dtype=object)  # plain arrays: pandas row access costs ~1 ms
    column_of = {code: k for k, code in enumerate(deliverables.columns)}

    group = np.full(len(graded), -1, dtype=np.int64)
    outcomes: list[GateCheckResult | InputError | None] = [None]  # group 0: every gate passed
    group[situations["next_gate"].isna().to_numpy()] = 0
    handled = int((group == 0).sum())
    for gate in gates.gate_order:
        rows = np.flatnonzero((situations["next_gate"] == gate).to_numpy())
        if not len(rows):
            continue
        relevant = [d for d in gates.deliverables_read(gate) if d in deliverables.columns]
        flag_bits = sum(1 << flag_names.index(f) for f in gates.flags_read(gate) if f in flag_names)
        key = situations.iloc[rows][["level", "passed"]].assign(flags=masks[rows] & flag_bits)
        key = key.join(deliverables.iloc[rows][relevant].fillna(""))
        ids = key.groupby(list(key.columns), sort=False, dropna=False).ngroup().to_numpy()
        firsts = pd.Series(np.arange(len(rows))).groupby(ids).first().to_numpy()
        base = len(outcomes)
        for k, first in enumerate(firsts):
            r = rows[first]
            statuses = {
                d: statuses_of[r, column_of[d]] for d in relevant if isinstance(statuses_of[r, column_of[d]], str)
            }
            flags = {f: bool(masks[r] >> b & 1) for b, f in enumerate(flag_names)}
            outcomes.append(_check(gates, grading, gate, levels[r], flags, passed[r], statuses))
            if progress and k % 200 == 0:
                progress(handled + len(rows) * k // len(firsts), len(graded))
        group[rows] = ids + base
        handled += len(rows)
    if progress:
        progress(len(graded), len(graded))
    return _spread(graded, group, outcomes)


def _next_gates(
    gates: GateRuleSet, situations: pd.DataFrame, passed: np.ndarray, flag_names: list[str]
) -> list[str | None]:
    known: dict[tuple[str, int], str | None] = {}
    out = []
    for p, mask, text in zip(passed, situations["flags"], situations["passed"], strict=True):
        key = (text, int(mask))
        if key not in known:
            flags = {f: bool(int(mask) >> b & 1) for b, f in enumerate(flag_names)}
            known[key] = gates.next_gate(p, flags)
        out.append(known[key])
    return out


def _check(
    gates: GateRuleSet,
    grading: GradingRuleSet,
    gate: str,
    level: str,
    flags: dict[str, bool],
    passed: tuple[str, ...],
    statuses: dict[str, str],
) -> GateCheckResult | InputError:
    # One answer serves every project in the situation: the project id is filled in per row later.
    request = {"project_id": "-", "gate": gate, "level": level, "flags": flags, "passed_gates": list(passed)}
    try:
        return gates.check({**request, "deliverables": statuses}, grading)
    except InputError as exc:
        return exc


def _spread(graded: pd.DataFrame, group: np.ndarray, outcomes: list) -> GateStatus:
    """Each situation's answer onto every project in it: one table per project, one per blocking item."""
    done = {
        "next_gate": None, "next_gate_label": None, "gate_status": "done", "readiness": 1.0, "satisfied": 0,
        "applicable_items": 0, "blocking_count": 0, "blocking": "", "owners": "", "decision_authority_label": None,
    }  # fmt: skip
    table, items, refused = [], [], []
    for g, r in enumerate(outcomes):
        if r is None or isinstance(r, InputError):
            table.append(done if r is None else dict.fromkeys(done))
            refused.append(isinstance(r, InputError))
            continue
        refused.append(False)
        owners = dict.fromkeys(b.owner_role_label for b in r.blocking if b.owner_role_label)
        table.append(
            {
                "next_gate": r.gate,
                "next_gate_label": r.gate_label,
                "gate_status": "ready" if r.ready else "blocked",
                "readiness": r.satisfied / r.applicable_items if r.applicable_items else 1.0,
                "satisfied": r.satisfied,
                "applicable_items": r.applicable_items,
                "blocking_count": len(r.blocking),
                "blocking": "；".join(_describe(b) for b in r.blocking),
                "owners": "、".join(owners),
                "decision_authority_label": r.decision_authority_label,
            }
        )
        items += [{"group": g, "gate": r.gate, **b.model_dump(include=set(ITEM_COLUMNS))} for b in r.blocking]
    per_group = pd.DataFrame(table, columns=OUTCOME_COLUMNS)
    per_group["gate_status_label"] = per_group["gate_status"].map(STATUS_LABELS)
    bad = np.asarray(refused, dtype=bool)[group]
    errors = _errors(graded[bad], group[bad], outcomes)
    keep = graded[~bad].reset_index(drop=True)
    projects = pd.concat([keep, per_group.iloc[group[~bad]].reset_index(drop=True)], axis=1)[PROJECT_COLUMNS]
    item_frame = pd.DataFrame(items, columns=["group", *ITEM_COLUMNS])
    owning = pd.DataFrame({"group": group[~bad], "row": keep["row"], "project_id": keep["project_id"]})
    owning = owning.assign(stage=keep["stage"], level=keep["level"])
    blocking = owning.merge(item_frame, on="group").sort_values("row", kind="stable")
    return GateStatus(projects, blocking[BLOCKING_COLUMNS].reset_index(drop=True), errors, len(outcomes) - 1)


def _errors(rows: pd.DataFrame, groups: np.ndarray, outcomes: list) -> pd.DataFrame:
    records = [
        {"row": row, "project_id": pid, "field": i.field, "value": i.value, "reason": i.reason, "message": i.message}
        for row, pid, g in zip(rows["row"], rows["project_id"], groups, strict=True)
        for i in outcomes[g].issues
    ]
    return pd.DataFrame(records, columns=ERROR_COLUMNS)


def _describe(b: Blocking) -> str:
    if b.kind == "prerequisite":
        return f"前置关口未通过: {b.label} ({b.code})"
    required = STATUSES.get(b.required_status or "", b.required_status)
    return f"{b.label}: {b.status_label} → 需{required} ({b.owner_role_label})"
