"""What would change a project's level: for each criterion, the smallest change
of its input that alone moves the computed level across the threshold.

Everything comes from the rule file (bands, values, risk levels, threshold), so
an analyst's edit changes the advice with the grade. Numbers move to the
nearest value of the nearest band that gives enough points (amounts in whole
RMB, counts in whole numbers); enums to the value whose points change least;
the risk object to the fewest factors changed. A level override is ignored
here: it fixes the final level whatever the score.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from pydantic import BaseModel, Field

from gradegate.scoring.grading.model import Band, Criterion, GradingRules, format_number
from gradegate.scoring.grading.result import GradingResult
from gradegate.scoring.vocabulary import GRADING_FIELDS, RISK_FACTORS, RISK_VALUES

STEP = 1.0  # the smallest move of a number: one RMB, one product line


class LevelChange(BaseModel):
    criterion: str = Field(description="criterion code")
    label: str = Field(description="中文名称 of the criterion")
    field: str
    current: Any = Field(description="the input now (normalized)")
    current_points: int
    to: Any = Field(description="the input that would flip the level (a number, a code, or the risk object)")
    to_shown: str = Field(description="the change as a person reads it")
    points: int = Field(description="the criterion's points after the change")
    total: int = Field(description="the total score after the change")
    level: str
    level_label: str


class WhatIf(BaseModel):
    computed_level: str
    computed_level_label: str
    total_score: int
    threshold: int
    points_to_flip: int = Field(description="points to gain (office) or lose (company) to change the level")
    target_level: str
    target_level_label: str
    changes: list[LevelChange] = Field(description="one per criterion that can flip the level on its own")


def what_if(rules: GradingRules, result: GradingResult) -> WhatIf:
    up = result.computed_level == "office"
    need = rules.threshold - result.total_score if up else result.total_score - rules.threshold + 1
    target = "company" if up else "office"
    changes: list[LevelChange] = []
    for criterion, score in zip(rules.criteria, result.criteria, strict=True):
        found = _smallest_change(criterion, score.input, score.points, need, up)
        if found is None:
            continue
        to, shown, points = found
        changes.append(
            LevelChange(
                criterion=criterion.code,
                label=criterion.label,
                field=criterion.field,
                current=score.input,
                current_points=score.points,
                to=to,
                to_shown=shown,
                points=points,
                total=result.total_score - score.points + points,
                level=target,
                level_label=rules.level_labels[target],
            )
        )
    return WhatIf(
        computed_level=result.computed_level,
        computed_level_label=rules.level_labels[result.computed_level],
        total_score=result.total_score,
        threshold=rules.threshold,
        points_to_flip=need,
        target_level=target,
        target_level_label=rules.level_labels[target],
        changes=changes,
    )


def _enough(points: int, current: int, need: int, up: bool) -> bool:
    return points - current >= need if up else current - points >= need


def _smallest_change(c: Criterion, value: Any, current: int, need: int, up: bool) -> tuple[Any, str, int] | None:
    if c.bands:
        return _band_change(c, float(value), current, need, up)
    if c.values:
        options = [(code, v) for code, v in c.values.items() if code != value and _enough(v.points, current, need, up)]
        if not options:
            return None
        code, v = min(options, key=lambda o: abs(o[1].points - current))
        return code, f"{v.label} ({code})", v.points
    return _risk_change(c, dict(value), current, need, up)


def _band_change(c: Criterion, x: float, current: int, need: int, up: bool) -> tuple[Any, str, int] | None:
    assert c.bands is not None
    # A rule file's own field starts where its first band does (bands cover it from its minimum).
    known = GRADING_FIELDS.get(c.field)
    minimum = (known.minimum or 0.0) if known is not None else c.bands[0].interval.lo
    best: tuple[float, float, Band] | None = None
    for band in c.bands:
        iv = band.interval
        if iv.contains(x) or not _enough(band.points, current, need, up):
            continue
        if iv.lo > x or (iv.lo == x and not iv.lo_closed):
            nearest = iv.lo if iv.lo_closed and iv.lo.is_integer() else math.floor(iv.lo) + STEP
        else:
            nearest = iv.hi if iv.hi_closed else math.ceil(iv.hi) - STEP
        if nearest < minimum or not iv.contains(nearest):
            continue
        if best is None or abs(nearest - x) < abs(best[0] - x):
            best = (nearest, abs(nearest - x), band)
    if best is None:
        return None
    nearest, _, band = best
    shown = f"{format_number(nearest)} ({band.shown})"
    value: Any = int(nearest) if nearest.is_integer() else nearest
    return value, shown, band.points


def _risk_change(c: Criterion, risk: dict[str, str], current: int, need: int, up: bool) -> tuple[Any, str, int] | None:
    assert c.factors is not None and c.factor_values is not None
    order = {v: i for i, v in enumerate(RISK_VALUES)}
    best: tuple[tuple[Any, ...], dict[str, str], int, str] | None = None
    for combo in itertools.product(RISK_VALUES, repeat=len(RISK_FACTORS)):
        candidate = dict(zip(RISK_FACTORS, combo, strict=True))
        counts = {v: combo.count(v) for v in RISK_VALUES}
        level = c.risk_level(counts)
        if not _enough(level.points, current, need, up):
            continue
        changed = [f for f in RISK_FACTORS if candidate[f] != risk.get(f)]
        steps = sum(abs(order[candidate[f]] - order.get(risk.get(f, ""), 0)) for f in changed)
        cost = (len(changed), steps, tuple(RISK_FACTORS.index(f) for f in changed))
        if best is None or cost < best[0]:
            parts = [f"{c.factors[f]}: {c.factor_values[risk[f]]}→{c.factor_values[candidate[f]]}" for f in changed]
            best = (cost, candidate, level.points, f"{'; '.join(parts)} (总的风险 {level.label})")
    if best is None:
        return None
    return best[1], best[3], best[2]
