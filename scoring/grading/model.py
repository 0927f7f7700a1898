"""The grading rule file (rules/grading.yaml) as pydantic models, and the checks
that make it safe to compile: bands contiguous and in order, every enum code
scored, no negative points, a threshold the score can reach.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, NonNegativeInt, model_validator

from gradegate.scoring.engine import MIN_CONSTANT
from gradegate.scoring.rulefile import RuleFileHeader, RuleModel
from gradegate.scoring.vocabulary import GRADING_FIELDS, RISK_FACTORS, InputField

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


class ExtraField(RuleModel):
    """An input field the rule file adds to grading.md's (e.g. 客户信用等级), so that a criterion
    can score it: `number` / `integer` with `min` (default 0) and `max`, or `enum` with `values`.
    Required in every record, like the contract's fields."""

    type: Literal["number", "integer", "enum"]
    label: Label
    min: Number | None = None
    max: Number | None = None
    values: dict[Code, Label] | None = None

    @model_validator(mode="after")
    def _fits_type(self) -> ExtraField:
        if self.type == "enum" and (not self.values or self.min is not None or self.max is not None):
            raise ValueError("an enum field needs `values` (code: Chinese label) and no min/max")
        if self.type != "enum" and self.values:
            raise ValueError(f"a {self.type} field has no `values`; give min/max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        return self

    def input_field(self, name: str) -> InputField:
        if self.type == "enum":
            return InputField(name, "enum", self.label, codes=tuple(self.values or {}))
        return InputField(name, self.type, self.label, minimum=self.min or 0.0, maximum=self.max)


class GradingRules(RuleFileHeader):
    threshold: NonNegativeInt
    level_labels: dict[str, Label]
    criteria: list[Criterion] = Field(min_length=1)
    fields: dict[Code, ExtraField] = Field(default_factory=dict)  # input fields beyond grading.md's

    def input_fields(self) -> dict[str, InputField]:
        """Every field a criterion may score: grading.md's, then the rule file's own `fields`."""
        extra = {name: f.input_field(name) for name, f in self.fields.items() if name not in GRADING_FIELDS}
        return {**GRADING_FIELDS, **extra}

    @property
    def max_score(self) -> int:
        return sum(c.max_points for c in self.criteria)

    def criterion_for(self, field: str) -> Criterion | None:
        return next((c for c in self.criteria if c.field == field), None)
