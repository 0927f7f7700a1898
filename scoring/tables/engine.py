"""A decision table through durable_rules: one record at a time (the single path).

Each "atom" of a table (a rule's `when`, and the input part of a derived
output's `when`) becomes one named rule of a CompiledRuleset; firing a record
says which atoms hold. What the outputs are, given the atoms that hold, is
worked out by result.py for both paths alike.

Facts carry, per input, `v_<name>` (the value: a number, 1/0 for a boolean, a
code or text; 0 or "" when blank) and, for an input that may be blank,
`p_<name>` (1 when a value is given, 0 when blank). Every test on such an
input's value is guarded by `p_<name>: 1`, so a blank never passes for a value.
Inputs that are never blank (required, or with a default) carry no `p_`: the
engine's cost grows with every field of a fact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gradegate.scoring.engine import CompiledRuleset, Condition
from gradegate.scoring.tables.conditions import Check
from gradegate.scoring.tables.input import Value

Atom = tuple[str, list[Check]]


def _value(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def compile_check(check: Check, blankable: frozenset[str]) -> Condition:
    present, value = f"p_{check.field}", f"v_{check.field}"
    if check.blank is True:
        return {present: 0}
    parts: list[Condition] = [{present: 1}] if check.field in blankable else [{"_r": 1}]
    if check.low != float("-inf"):
        parts.append({("$gte" if check.low_in else "$gt"): {value: check.low}})
    if check.high != float("inf"):
        parts.append({("$lte" if check.high_in else "$lt"): {value: check.high}})
    if check.values is not None:
        options = [{value: _value(v)} for v in sorted(check.values, key=repr)]
        parts.append(options[0] if len(options) == 1 else {"$or": options})
    return {"$and": parts}


def compile_atom(checks: Sequence[Check], blankable: frozenset[str]) -> Condition:
    if not checks:
        return {"$and": [{"_r": 1}]}  # always: the engine's marker, which every fact carries
    return {"$and": [compile_check(c, blankable) for c in checks]}


class TableEngine:
    """The compiled atoms of one table; `fire(values)` gives the indexes of the atoms that hold."""

    def __init__(self, prefix: str, atoms: Sequence[Atom], kinds: Mapping[str, str], blankable: frozenset[str]):
        self._index = {name: i for i, (name, _) in enumerate(atoms)}
        fields = sorted({c.field for _, checks in atoms for c in checks})
        # (field, fact key of the value, key of the presence flag or None, the value standing for blank)
        self._fields = [
            (f, f"v_{f}", f"p_{f}" if f in blankable else None, "" if kinds[f] in ("text", "enum") else 0)
            for f in fields
        ]
        conditions = {name: compile_atom(checks, blankable) for name, checks in atoms}
        self._ruleset = CompiledRuleset(f"table_{prefix}", conditions)

    def fact(self, values: Mapping[str, Value]) -> dict[str, Any]:
        fact: dict[str, Any] = {}
        for field, value_key, present_key, blank in self._fields:
            value = values.get(field)
            if present_key is not None:
                fact[present_key] = 0 if value is None else 1
            fact[value_key] = blank if value is None else _value(value)
        return fact

    def fire(self, values: Mapping[str, Value]) -> frozenset[int]:
        return frozenset(self._index[name] for name in self._ruleset.fire(self.fact(values)))

    def close(self) -> None:
        self._ruleset.close()
