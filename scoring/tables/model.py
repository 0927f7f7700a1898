"""The generic decision-table file (rules/tables/*.yaml) as pydantic models.

In the spirit of DMN decision tables: typed inputs, rules with conditions on
the inputs and a hit policy, outputs the matched rules give, and derived
outputs that read inputs and earlier outputs (DMN's dependent decisions, e.g.
the steps of a key project). The semantic checks (overlaps, gaps, unreachable
rules, …) live in checks.py; this module only says what a file may hold.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictStr, model_validator

from gradegate.scoring.engine import MIN_CONSTANT
from gradegate.scoring.rulefile import RuleFileHeader, RuleModel

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Label = Annotated[str, Field(min_length=1, max_length=60)]
Number = Annotated[float, Field(allow_inf_nan=False)]
MAX_NUMBER = 1e12  # numbers above this are refused (the engine's range ends near 1e15)
HitPolicy = Literal["unique", "first", "collect"]
Aggregate = Literal["list", "any", "sum", "min", "max", "count"]
Scalar = StrictBool | Number | StrictStr


class Input(RuleModel):
    """One input field: its type, Chinese label, and what is accepted."""

    type: Literal["number", "boolean", "text", "enum"]
    label: Label
    required: bool = True
    default: Scalar | None = None
    min: Number | None = None
    max: Number | None = None
    integer: bool = False
    max_length: int | None = Field(default=None, ge=1, le=10_000)
    values: dict[Code, Label] | None = None  # enum: code → Chinese label

    @model_validator(mode="after")
    def _fits_type(self) -> Input:
        allowed = {
            "number": {"min", "max", "integer"},
            "boolean": set(),
            "text": {"max_length"},
            "enum": {"values"},
        }[self.type]
        given = {k for k in ("min", "max", "integer", "max_length", "values") if getattr(self, k) not in (None, False)}
        if given - allowed:
            raise ValueError(f"a {self.type} input cannot have {', '.join(sorted(given - allowed))}")
        if self.type == "enum" and not self.values:
            raise ValueError("an enum input needs `values` (code: Chinese label)")
        if self.default is not None and self.required:
            raise ValueError("an input with a `default` is not required: drop `required: true`")
        for limit in (self.min, self.max):
            if limit is not None and abs(limit) > MAX_NUMBER:
                raise ValueError(f"{limit:g} is beyond the largest number accepted ({MAX_NUMBER:g})")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        return self

    @property
    def lowest(self) -> float:
        return self.min if self.min is not None else -MAX_NUMBER

    @property
    def highest(self) -> float:
        return self.max if self.max is not None else MAX_NUMBER


class Test(RuleModel):
    """A condition on one input. Numbers: `min` (≥), `above` (>), `max` (≤), `below` (<);
    enum and text: `in` (one of the values); any input: `blank` (true = absent or empty)."""

    min: Number | None = None
    above: Number | None = None
    max: Number | None = None
    below: Number | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in", min_length=1)
    blank: bool | None = None

    @model_validator(mode="after")
    def _sensible(self) -> Test:
        if self.min is not None and self.above is not None:
            raise ValueError("give `min` (≥) or `above` (>), not both")
        if self.max is not None and self.below is not None:
            raise ValueError("give `max` (≤) or `below` (<), not both")
        for limit in (self.min, self.above, self.max, self.below):
            if limit is not None and limit != 0 and abs(limit) < MIN_CONSTANT:
                raise ValueError(f"limit {limit} is too small: limits are 0 or at least {MIN_CONSTANT}")
            if limit is not None and abs(limit) > MAX_NUMBER:
                raise ValueError(f"limit {limit:g} is beyond {MAX_NUMBER:g}")
        if self.blank is True and (self.has_range or self.in_ is not None):
            raise ValueError("`blank: true` cannot be combined with another test")
        if not (self.has_range or self.in_ is not None or self.blank is not None):
            raise ValueError("an empty test: give min/above/max/below, in or blank")
        return self

    @property
    def has_range(self) -> bool:
        return any(v is not None for v in (self.min, self.above, self.max, self.below))

    @property
    def low(self) -> tuple[float, bool]:
        """The lower limit and whether it is included."""
        if self.min is not None:
            return self.min, True
        if self.above is not None:
            return self.above, False
        return -math.inf, False

    @property
    def high(self) -> tuple[float, bool]:
        if self.max is not None:
            return self.max, True
        if self.below is not None:
            return self.below, False
        return math.inf, False


# A condition on one input: a test, or the shorthand `true`/`false` (boolean), a code or list of codes (enum).
Cond = StrictBool | StrictStr | list[StrictStr] | Test
When = dict[str, Cond]


class Rule(RuleModel):
    code: Code
    label: Label
    when: When = Field(default_factory=dict)  # every test must hold; none = always
    then: dict[str, Scalar] = Field(default_factory=dict)  # output values this rule gives


class Output(RuleModel):
    """An output the rules give. Under `collect`, `aggregate` says how the matched rules'
    values combine (DMN): list (in rule order), any (true if one gives true), sum, min, max,
    count (distinct values). `rules: codes` makes the matched rules' codes the value."""

    label: Label
    type: Literal["boolean", "number", "text", "enum", "list"] = "text"
    values: dict[Code, Label] | None = None  # coded outputs: code → Chinese label (adds `<name>_label`)
    aggregate: Aggregate | None = None
    rule_codes: bool = False
    default: Scalar | None = None


class DerivedRule(RuleModel):
    when: When = Field(default_factory=dict)
    value: Scalar


class Derived(RuleModel):
    """An output computed after the rules, from inputs and earlier outputs: `first` takes the
    value of the first entry whose `when` holds, `collect` lists every such value in order."""

    label: Label
    type: Literal["boolean", "number", "text", "enum", "list"] = "text"
    values: dict[Code, Label] | None = None
    policy: Literal["first", "collect"] = "first"
    rules: list[DerivedRule] = Field(min_length=1)
    default: Scalar | None = None


class TableRules(RuleFileHeader):
    """One decision table file."""

    code: Code
    label: Label
    id_field: str
    hit_policy: HitPolicy
    complete: bool = False  # the rules cover every input value: a gap is an error
    inputs: dict[Code, Input] = Field(min_length=1)
    rules: list[Rule] = Field(min_length=1, max_length=60)
    outputs: dict[Code, Output] = Field(min_length=1)
    derived: dict[Code, Derived] = Field(default_factory=dict)

    def all_outputs(self) -> list[tuple[str, Output | Derived]]:
        """The outputs the rules give, then the derived ones, in file order."""
        return [*self.outputs.items(), *self.derived.items()]

    def output_kind(self, name: str) -> str | None:
        """The type of an output or derived output (None when there is none of that name)."""
        if name in self.outputs:
            o = self.outputs[name]
            return "list" if o.rule_codes and self.hit_policy == "collect" else o.type
        if name in self.derived:
            d = self.derived[name]
            return "list" if d.policy == "collect" else d.type
        return None

    def coded(self) -> dict[str, dict[str, str]]:
        """Outputs whose values have Chinese labels: name → code → label."""
        out: dict[str, dict[str, str]] = {}
        for name, o in self.outputs.items():
            if o.values:
                out[name] = dict(o.values)
            elif o.rule_codes:
                out[name] = {r.code: r.label for r in self.rules}
        for name, d in self.derived.items():
            if d.values:
                out[name] = dict(d.values)
        return out
