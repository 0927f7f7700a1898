"""Single-record grading through durable_rules: the rule file compiled to one
durable_rules ruleset with a rule per band, enum value and risk level.

A record fires exactly one rule per criterion; the fired rule names say which
band or value matched, and that is the explanation the result carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gradegate.scoring.engine import CompiledRuleset, Condition
from gradegate.scoring.errors import EngineError
from gradegate.scoring.grading.input import Project
from gradegate.scoring.grading.model import Band, CountCondition, GradingRules
from gradegate.scoring.vocabulary import GRADING_FIELDS, RISK_VALUES, InputField

Match = tuple[int, int | str]  # (criterion index, band index | enum code | risk level index)


def _count_field(value: str) -> str:
    return f"risk_n_{value}"


def band_condition(field: str, band: Band) -> Condition:
    iv = band.interval
    parts: list[Condition] = [{"$gte" if iv.lo_closed else "$gt": {field: iv.lo}}]
    if band.equals is not None:
        parts.append({"$lte": {field: iv.hi}})
    elif band.below is not None:
        parts.append({"$lt": {field: iv.hi}})
    return {"$and": parts}


def _holds(when: dict[str, CountCondition]) -> list[Condition]:
    parts: list[Condition] = []
    for value, cond in when.items():
        lo, hi = cond.bounds
        parts += [{"$gte": {_count_field(value): lo}}, {"$lte": {_count_field(value): hi}}]
    return parts


def _fails(when: dict[str, CountCondition]) -> Condition:
    alternatives: list[Condition] = []
    for value, cond in when.items():
        lo, hi = cond.bounds
        alternatives += [{"$lt": {_count_field(value): lo}}, {"$gt": {_count_field(value): hi}}]
    return {"$or": alternatives}


def compile_conditions(rules: GradingRules) -> dict[str, Condition]:
    """Rule name → durable_rules condition, for every band, value and risk level."""
    out: dict[str, Condition] = {}
    for i, c in enumerate(rules.criteria):
        if c.bands:
            for j, band in enumerate(c.bands):
                out[f"c{i}_b{j}"] = band_condition(c.field, band)
        elif c.values:
            for code in c.values:
                out[f"c{i}_v_{code}"] = {c.field: code}
        elif c.levels:
            # First match wins: level j holds when its own `when` does and no earlier one's.
            for j, level in enumerate(c.levels):
                parts = _holds(level.when or {}) + [_fails(prev.when) for prev in c.levels[:j] if prev.when]
                parts = parts or [{"$gte": {_count_field(RISK_VALUES[0]): 0}}]
                out[f"c{i}_l{j}"] = {"$and": parts}
    return out


def fact_of(project: Project, fields: Mapping[str, InputField] = GRADING_FIELDS) -> dict[str, Any]:
    fact: dict[str, Any] = {}
    for name, field in fields.items():
        value = project.value(name)
        if field.kind == "number":
            fact[name] = float(value)
        elif field.kind == "integer":
            fact[name] = int(value)
        elif field.kind == "enum":
            fact[name] = value
    for v in RISK_VALUES:
        fact[_count_field(v)] = sum(1 for x in project.risk.values() if x == v)
    return fact


class DurableGrader:
    """The compiled grading ruleset; `matches` says which band/value/level each criterion hit."""

    def __init__(self, rules: GradingRules):
        self.rules = rules
        self._ruleset = CompiledRuleset("grading", compile_conditions(rules))
        self._fields = rules.input_fields()

    def matches(self, project: Project) -> dict[int, Match]:
        fired = self._ruleset.fire(fact_of(project, self._fields))
        found: dict[int, Match] = {}
        for name in fired:
            head, _, tail = name.partition("_")
            i = int(head[1:])
            kind, rest = tail[0], tail[1:]
            key: int | str = rest[1:] if kind == "v" else int(rest)
            if i in found:
                raise EngineError(f"criterion {self.rules.criteria[i].code}: two rules fired ({name})")
            found[i] = (i, key)
        missing = [self.rules.criteria[i].code for i in range(len(self.rules.criteria)) if i not in found]
        if missing:
            # Validated input and validated bands always match; this is engine drift, not bad input.
            raise EngineError(f"no rule fired for criteria {missing} on project {project.project_id!r}")
        return found

    def close(self) -> None:
        self._ruleset.close()
