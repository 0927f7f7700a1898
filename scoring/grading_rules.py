"""The grading rule file (rules/grading.yaml) as pydantic models, and the checks
that make it safe to compile: bands contiguous and in order, every enum code
scored, no negative points, a threshold the score can reach.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field, NonNegativeInt, model_validator

from scoring.engine import MIN_CONSTANT
from scoring.rulefile import Loc, Problem, RuleFileHeader, RuleModel, label_clashes
from scoring.vocabulary import GRADING_FIELDS, LEVELS, RISK_FACTORS, RISK_VALUES

Number = Annotated[float, Field(allow_inf_nan=False)]
Label = Annotated[str, Field(min_length=1, max_length=60)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]


@dataclass(frozen=True)
class Interval:
    lo: float
    lo_closed: bool
    hi: float  # math.inf when unbounded
    hi_closed: bool

    def contains(self, x: float) -> bool:
        above = x >= self.lo if self.lo_closed else x > self.lo
        below = x <= self.hi if self.hi_closed else x < self.hi
        return above and below


class Band(RuleModel):
    """One band of a numeric criterion. Lower limit: `from` (inclusive) or `above`
    (exclusive); upper limit: `below` (exclusive), or none for the top band;
    or `equals` for a single value."""

    from_: Number | None = Field(default=None, alias="from")
    above: Number | None = None
    below: Number | None = None
    equals: Number | None = None
    points: NonNegativeInt
    label: Label | None = None

    @model_validator(mode="after")
    def _one_lower_limit(self) -> Band:
        lowers = [k for k, v in (("from", self.from_), ("above", self.above), ("equals", self.equals)) if v is not None]
        if len(lowers) != 1:
            raise ValueError(
                "a band needs exactly one of `from` (inclusive lower limit), `above` "
                f"(exclusive lower limit) or `equals`; got {lowers or 'none'}"
            )
        if self.equals is not None and self.below is not None:
            raise ValueError("`equals` and `below` cannot be combined")
        for limit in (self.from_, self.above, self.below, self.equals):
            if limit is not None and limit != 0 and abs(limit) < MIN_CONSTANT:
                raise ValueError(f"band limit {limit} is too small: limits are 0 or at least {MIN_CONSTANT}")
        return self

    @property
    def interval(self) -> Interval:
        if self.equals is not None:
            return Interval(self.equals, True, self.equals, True)
        lo, lo_closed = (self.from_, True) if self.from_ is not None else (self.above, False)
        hi = self.below if self.below is not None else math.inf
        return Interval(lo, lo_closed, hi, False)  # type: ignore[arg-type]

    @property
    def shown(self) -> str:
        """The band as a person reads it: its label, or its limits written out."""
        if self.label:
            return self.label
        iv = self.interval
        if self.equals is not None:
            return format_number(self.equals)
        if iv.hi == math.inf:
            return f"≥ {format_number(iv.lo)}" if iv.lo_closed else f"> {format_number(iv.lo)}"
        return f"{'[' if iv.lo_closed else '('}{format_number(iv.lo)}, {format_number(iv.hi)})"


def format_number(x: float) -> str:
    """12000000 → 12,000,000; 0.5 → 0.5: numbers as the rule file's readers write them."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,}"


class EnumValue(RuleModel):
    label: Label
    points: NonNegativeInt


class CountCondition(RuleModel):
    """How many of the risk factors have a given value."""

    at_least: NonNegativeInt | None = None
    at_most: NonNegativeInt | None = None
    exactly: NonNegativeInt | None = None

    @model_validator(mode="after")
    def _something(self) -> CountCondition:
        if self.at_least is None and self.at_most is None and self.exactly is None:
            raise ValueError("give `at_least`, `at_most` or `exactly`")
        if self.exactly is not None and (self.at_least is not None or self.at_most is not None):
            raise ValueError("`exactly` cannot be combined with `at_least` or `at_most`")
        return self

    @property
    def bounds(self) -> tuple[int, int]:
        """Inclusive (min, max) count."""
        if self.exactly is not None:
            return self.exactly, self.exactly
        return (self.at_least or 0, self.at_most if self.at_most is not None else len(RISK_FACTORS))

    def holds(self, count: int) -> bool:
        lo, hi = self.bounds
        return lo <= count <= hi


class RiskLevel(RuleModel):
    code: Code
    label: Label
    points: NonNegativeInt
    when: dict[str, CountCondition] | None = None  # factor value → count; none: "otherwise"

    def holds(self, counts: dict[str, int]) -> bool:
        return self.when is None or all(c.holds(counts[v]) for v, c in self.when.items())


class Criterion(RuleModel):
    code: Code
    label: Label
    field: str
    bands: list[Band] | None = None
    values: dict[str, EnumValue] | None = None
    factors: dict[str, Label] | None = None
    factor_values: dict[str, Label] | None = None
    levels: list[RiskLevel] | None = None

    @property
    def max_points(self) -> int:
        if self.bands:
            return max(b.points for b in self.bands)
        if self.values:
            return max(v.points for v in self.values.values())
        if self.levels:
            return max(level.points for level in self.levels)
        return 0

    def risk_level(self, counts: dict[str, int]) -> RiskLevel:
        """First level whose condition holds (the last one always does)."""
        assert self.levels is not None
        return next(level for level in self.levels if level.holds(counts))


class GradingRules(RuleFileHeader):
    threshold: NonNegativeInt
    level_labels: dict[str, Label]
    criteria: list[Criterion] = Field(min_length=1)

    @property
    def max_score(self) -> int:
        return sum(c.max_points for c in self.criteria)

    def criterion_for(self, field: str) -> Criterion | None:
        return next((c for c in self.criteria if c.field == field), None)

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        if set(self.level_labels) != set(LEVELS):
            out.append(Problem(("level_labels",), "levels", f"give a label for exactly {list(LEVELS)}"))
        seen_codes: set[str] = set()
        seen_fields: set[str] = set()
        for i, c in enumerate(self.criteria):
            loc: Loc = ("criteria", i)
            if c.code in seen_codes:
                out.append(Problem((*loc, "code"), "duplicate_criterion", f"criterion code {c.code!r} is used twice"))
            seen_codes.add(c.code)
            field = GRADING_FIELDS.get(c.field)
            if field is None:
                out.append(
                    Problem(
                        (*loc, "field"),
                        "unknown_field",
                        f"unknown input field {c.field!r}; a criterion can score one of {sorted(GRADING_FIELDS)}",
                    )
                )
                continue
            if c.field in seen_fields:
                out.append(Problem((*loc, "field"), "duplicate_field", f"field {c.field!r} is scored twice"))
            seen_fields.add(c.field)
            out.extend(_shape_problems(c, loc, field.kind))
            if field.kind in ("number", "integer") and c.bands:
                out.extend(_band_problems(c.bands, loc, field.minimum or 0, field.kind == "integer"))
            elif field.kind == "enum" and c.values is not None:
                out.extend(_enum_problems(c, loc, field.codes))
            elif field.kind == "risk" and c.levels:
                out.extend(_risk_problems(c, loc))
        if self.threshold > self.max_score and not out:
            out.append(
                Problem(
                    ("threshold",),
                    "threshold_unreachable",
                    f"threshold {self.threshold} is above the maximum score {self.max_score}: "
                    "no project could ever be company-level",
                )
            )
        return out


_SECTIONS = {
    "number": {"bands"},
    "integer": {"bands"},
    "enum": {"values"},
    "risk": {"factors", "factor_values", "levels"},
}


def _shape_problems(c: Criterion, loc: Loc, kind: str) -> list[Problem]:
    need = _SECTIONS[kind]
    given = {s for s in ("bands", "values", "factors", "factor_values", "levels") if getattr(c, s) is not None}
    out = [
        Problem(
            (*loc, s), "wrong_section", f"`{s}` does not apply to {kind} field {c.field!r}; it takes {sorted(need)}"
        )
        for s in sorted(given - need)
    ]
    out += [
        Problem(loc, "missing_section", f"criterion {c.code!r} on {kind} field {c.field!r} needs `{s}`")
        for s in sorted(need - given)
    ]
    for s in sorted(need & given):
        if not getattr(c, s):
            out.append(Problem((*loc, s), "empty_section", f"`{s}` is empty"))
    return out


def _band_problems(bands: list[Band], loc: Loc, minimum: float, integer: bool) -> list[Problem]:
    out: list[Problem] = []
    ivs = [b.interval for b in bands]
    for j, iv in enumerate(ivs):
        if iv.hi < iv.lo or (iv.hi == iv.lo and not (iv.lo_closed and iv.hi_closed)):
            out.append(Problem((*loc, "bands", j), "empty_band", f"band {bands[j].shown} contains no value"))
    if out:
        return out
    first = ivs[0]
    if integer:
        starts_at = math.floor(first.lo) + 1 if not first.lo_closed or not first.lo.is_integer() else first.lo
        starts_ok = starts_at == minimum
    else:
        starts_ok = first.lo == minimum and first.lo_closed
    if not starts_ok:
        out.append(
            Problem(
                (*loc, "bands", 0),
                "band_gap",
                f"the first band must start at {format_number(minimum)} (inclusive), the smallest value accepted; "
                f"it is {bands[0].shown}",
            )
        )
    for j in range(1, len(ivs)):
        prev, cur = ivs[j - 1], ivs[j]
        where = (*loc, "bands", j)
        pair = f"{bands[j - 1].shown} and {bands[j].shown}"
        if prev.hi == math.inf:
            out.append(Problem(where, "band_order", f"band {bands[j].shown} follows the open-ended top band"))
            continue
        if integer:
            prev_last = prev.hi if prev.hi_closed else math.ceil(prev.hi) - 1
            cur_first = cur.lo if cur.lo_closed and cur.lo.is_integer() else math.floor(cur.lo) + 1
            gap, overlap = cur_first > prev_last + 1, cur_first <= prev_last
        else:
            touching = prev.hi == cur.lo
            overlap = cur.lo < prev.hi or (touching and prev.hi_closed and cur.lo_closed)
            gap = cur.lo > prev.hi or (touching and not prev.hi_closed and not cur.lo_closed)
        if overlap and cur.lo < prev.lo:
            out.append(Problem(where, "band_order", f"bands {pair} are out of order: list them from low to high"))
        elif overlap:
            out.append(Problem(where, "band_overlap", f"bands {pair} overlap: a value would match both"))
        elif gap:
            out.append(Problem(where, "band_gap", f"bands {pair} leave a gap: values between them match no band"))
    if ivs[-1].hi != math.inf:
        out.append(
            Problem(
                (*loc, "bands", len(ivs) - 1),
                "band_gap",
                f"the last band {bands[-1].shown} has an upper limit: values above it would match no band "
                "(leave `below` out of the top band)",
            )
        )
    return out


def _enum_problems(c: Criterion, loc: Loc, codes: tuple[str, ...]) -> list[Problem]:
    assert c.values is not None
    out = [
        Problem((*loc, "values", v), "unknown_value", f"{v!r} is not a code of {c.field}; the codes are {list(codes)}")
        for v in c.values
        if v not in codes
    ]
    out += [
        Problem(
            (*loc, "values"),
            "unscored_value",
            f"value {v!r} of {c.field} has no points; every code must be scored: {list(codes)}",
        )
        for v in codes
        if v not in c.values
    ]
    out += label_clashes({v: e.label for v, e in c.values.items()}, (*loc, "values"))
    return out


def _risk_problems(c: Criterion, loc: Loc) -> list[Problem]:
    assert c.factors is not None and c.factor_values is not None and c.levels is not None
    out: list[Problem] = []
    if set(c.factors) != set(RISK_FACTORS):
        out.append(Problem((*loc, "factors"), "risk_factors", f"the risk factors are exactly {list(RISK_FACTORS)}"))
    if set(c.factor_values) != set(RISK_VALUES):
        out.append(
            Problem((*loc, "factor_values"), "risk_values", f"the factor values are exactly {list(RISK_VALUES)}")
        )
    out += label_clashes(c.factor_values, (*loc, "factor_values"))
    for j, level in enumerate(c.levels):
        last = j == len(c.levels) - 1
        if last and level.when is not None:
            out.append(
                Problem((*loc, "levels", j), "risk_no_otherwise", "the last risk level must have no `when` (otherwise)")
            )
        if not last and level.when is None:
            out.append(Problem((*loc, "levels", j), "risk_unreachable", "only the last risk level may omit `when`"))
        for value in level.when or {}:
            if value not in RISK_VALUES:
                out.append(
                    Problem(
                        (*loc, "levels", j, "when", value),
                        "unknown_value",
                        f"{value!r} is not a factor value; use one of {list(RISK_VALUES)}",
                    )
                )
    codes = [level.code for level in c.levels]
    for code in {x for x in codes if codes.count(x) > 1}:
        out.append(Problem((*loc, "levels"), "duplicate_level", f"risk level {code!r} is listed twice"))
    return out
