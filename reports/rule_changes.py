"""What changed between two grading rule sets, in a manager's words: the threshold,
each criterion's bands, values and risk levels (points and limits), criteria added
or removed, level names.

The report's rule-change impact section states these first, then who changes
level. Not `rules diff` (scoring/lifecycle/diff.py), which walks any rule file's YAML
for an analyst: this one knows grading's meaning, so a band reads as 金额 ≥ 500万
and a threshold as 40 分 → 38 分, which is what a manager reads.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from gradegate.reports.formatting import limits_words
from gradegate.scoring import GradingRules

COLUMNS = ["change", "before", "after"]
AMOUNT_FIELDS = ("amount_rmb", "external_service_amount_rmb")


def grading_changes(a: GradingRules, b: GradingRules) -> pd.DataFrame:
    """One row per change from A to B: `change` (what, in Chinese), `before`, `after`."""
    rows: list[tuple[str, str, str]] = []
    if a.version != b.version:
        rows.append(("规则集版本", a.version, b.version))
    if a.threshold != b.threshold:
        rows.append(("公司级阈值", f"{a.threshold} 分", f"{b.threshold} 分"))
    for code, label in a.level_labels.items():
        if b.level_labels.get(code, label) != label:
            rows.append((f"等级名称 {code}", label, b.level_labels[code]))
    old = {c.code: c for c in a.criteria}
    new = {c.code: c for c in b.criteria}
    for code, c in old.items():
        if code not in new:
            rows.append((f"评分项 {c.label}", f"满分 {c.max_points} 分", "已删除"))
    for code, c in new.items():
        if code not in old:
            rows.append((f"评分项 {c.label}", "（无）", f"新增，满分 {c.max_points} 分"))
            continue
        rows += _criterion_changes(old[code], c)
    return pd.DataFrame(rows, columns=COLUMNS)


def _criterion_changes(a: Any, b: Any) -> list[tuple[str, str, str]]:
    """Changes within one criterion, each named by the criterion's label and the band or value."""
    rows: list[tuple[str, str, str]] = []
    if a.label != b.label:
        rows.append((f"评分项名称 {a.code}", a.label, b.label))
    before, after = _parts(a), _parts(b)
    for key in [*before, *(k for k in after if k not in before)]:
        was, now = before.get(key), after.get(key)
        if was != now:
            rows.append((f"{b.label} · {key}", was or "（无）", now or "（无）"))
    return rows


def _parts(c: Any) -> dict[str, str]:
    """A criterion as named parts (a band by its limits, a value or risk level by its code) → points."""
    if c.bands:
        amount = c.field in AMOUNT_FIELDS
        parts = {}
        for band in c.bands:
            iv = band.interval
            parts[limits_words(iv.lo, iv.lo_closed, iv.hi, amount=amount)] = f"{band.points} 分"
        return parts
    if c.values:
        return {code: f"{v.label} {v.points} 分" for code, v in c.values.items()}
    if c.levels:
        return {f"风险{level.label}": f"{level.points} 分" for level in c.levels}
    return {}
