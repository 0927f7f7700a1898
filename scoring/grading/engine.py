"""Single-record grading through durable_rules: the rule file compiled to one
durable_rules ruleset with a rule per band, enum value and risk level.

A record fires exactly one rule per criterion; the fired rule names say which
band or value matched, and that is the explanation the result carries.
"""

from __future__ import annotations

from typing import Any

from gradegate.scoring.engine import CompiledRuleset, Condition
from gradegate.scoring.errors import EngineError
from gradegate.scoring.grading.input import Project
from gradegate.scoring.grading.model import Band, CountCondition, GradingRules
from gradegate.scoring.vocabulary import RISK_VALUES

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


def match_of(rule_name: str) -> Match:
    """c3_b2 → (3, 2); c1_v_core → (1, "core"); c4_l0 → (4, 0): the names compile_conditions gives."""
    head, _, tail = rule_name.partition("_")
    kind, rest = tail[0], tail[1:]
    return int(head[1:]), (rest[1:] if kind == "v" else int(rest))


class DurableGrader:
    """The compiled grading ruleset; `matches` says which band/value/level each criterion hit."""

    def __init__(self, rules: GradingRules):
        self.rules = rules
        conditions = compile_conditions(rules)
        self._ruleset = CompiledRuleset("grading", conditions)
        self._match = {name: match_of(name) for name in conditions}
        fields = rules.input_fields()  # grading.md's and the rule file's own `fields`
        self._numbers = [name for name, f in fields.items() if f.kind == "number"]
        self._integers = [name for name, f in fields.items() if f.kind == "integer"]
        self._enums = [name for name, f in fields.items() if f.kind == "enum"]

    def fact(self, project: Project) -> dict[str, Any]:
        """The fact the rules read: numbers, enum codes, and how many risk factors have each value."""
        fact: dict[str, Any] = {name: float(project.value(name)) for name in self._numbers}
        for name in self._integers:
            fact[name] = int(project.value(name))
        for name in self._enums:
            fact[name] = project.value(name)
        risks = list(project.risk.values())
        for v in RISK_VALUES:
            fact[_count_field(v)] = risks.count(v)
        return fact

    def matches(self, project: Project) -> dict[int, Match]:
        found: dict[int, Match] = {}
        for name in self._ruleset.fire(self.fact(project)):
            match = self._match[name]
            if match[0] in found:
                raise EngineError(f"criterion {self.rules.criteria[match[0]].code}: two rules fired ({name})")
            found[match[0]] = match
        if len(found) != len(self.rules.criteria):
            # Validated input and validated bands always match; this is engine drift, not bad input.
            missing = [c.code for i, c in enumerate(self.rules.criteria) if i not in found]
            raise EngineError(f"no rule fired for criteria {missing} on project {project.project_id!r}")
        return found

    def close(self) -> None:
        self._ruleset.close()
