"""What a decision table answers, and how the outputs follow from the atoms that hold.

`Outcomes` is the one place outputs are computed: both paths (durable_rules per
record, numpy per column) only find which atoms hold and hand that set here,
so the hit policy, the aggregation and the derived outputs cannot differ
between them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gradegate.scoring.errors import EngineError
from gradegate.scoring.identity import RulesetRef
from gradegate.scoring.tables.conditions import Check, checks_of
from gradegate.scoring.tables.model import TableRules


class MatchedRule(BaseModel):
    code: str
    label: str


class TableResult(BaseModel):
    """The answer of a decision table for one record (tables.md, "Input and output")."""

    model_config = ConfigDict(extra="allow")  # the record's id also under its own name, e.g. project_id

    table: str = Field(description="the table's code, e.g. project_class")
    table_label: str
    id_field: str
    id: str | None = Field(description="the record's id field, echoed")
    outputs: dict[str, Any] = Field(description="each output; a coded output also as `<name>_label` (中文)")
    matched: list[MatchedRule] = Field(description="the rules that held, in table order")
    ruleset: RulesetRef


@dataclass(frozen=True)
class Outcome:
    outputs: dict[str, Any]
    matched: list[MatchedRule]


@dataclass(frozen=True)
class DerivedEntry:
    value: Any
    atom: int | None  # the atom holding the entry's input tests; None when it has none
    on_outputs: list[Check]  # its tests on earlier outputs


class Outcomes:
    """Outputs from the set of atoms that hold; cached per set (a table has few distinct ones)."""

    def __init__(self, rules: TableRules, derived: dict[str, list[DerivedEntry]]):
        self.rules = rules
        self.derived = derived
        self.coded = rules.coded()
        self._cache: dict[frozenset[int], Outcome] = {}
        self._lock = threading.Lock()

    def of(self, atoms: frozenset[int]) -> Outcome:
        found = self._cache.get(atoms)
        if found is None:
            found = self._compute(atoms)
            with self._lock:
                if len(self._cache) < 100_000:
                    self._cache[atoms] = found
        return found

    def _compute(self, atoms: frozenset[int]) -> Outcome:
        t = self.rules
        matched = [i for i in range(len(t.rules)) if i in atoms]
        if t.hit_policy == "first":
            matched = matched[:1]
        elif t.hit_policy == "unique" and len(matched) > 1:
            codes = [t.rules[i].code for i in matched]
            raise EngineError(f"table {t.code}: rules {codes} all hold under hit policy unique")
        outputs: dict[str, Any] = {}
        for name, o in t.outputs.items():
            if o.rule_codes:
                given: list[Any] = [t.rules[i].code for i in matched]
            else:
                given = [t.rules[i].then[name] for i in matched if name in t.rules[i].then]
            outputs[name] = self._aggregate(given, o.aggregate or "list", o.default)
        for name, d in t.derived.items():
            hits = [
                e.value
                for e in self.derived[name]
                if (e.atom is None or e.atom in atoms) and all(c.holds(outputs.get(c.field)) for c in e.on_outputs)
            ]
            outputs[name] = hits if d.policy == "collect" else (hits[0] if hits else d.default)
        labelled: dict[str, Any] = {}
        for name, value in outputs.items():
            labelled[name] = value
            labels = self.coded.get(name)
            if labels is not None:
                labelled[f"{name}_label"] = (
                    [labels.get(v, v) for v in value] if isinstance(value, list) else labels.get(value, value)
                )
        return Outcome(labelled, [MatchedRule(code=t.rules[i].code, label=t.rules[i].label) for i in matched])

    def _aggregate(self, given: list[Any], aggregate: str, default: Any) -> Any:
        if self.rules.hit_policy != "collect":
            return given[0] if given else default
        if aggregate == "list":
            return given
        if aggregate == "count":
            return len({repr(v) for v in given})
        if not given:
            return False if aggregate == "any" and default is None else default
        if aggregate == "any":
            return any(v is True for v in given)
        if aggregate == "sum":
            return sum(given)
        return min(given) if aggregate == "min" else max(given)


def derived_entries(rules: TableRules, first_atom: int) -> tuple[dict[str, list[DerivedEntry]], list[list[Check]]]:
    """Each derived output's entries, with their input tests as atoms numbered from `first_atom`."""
    entries: dict[str, list[DerivedEntry]] = {}
    atoms: list[list[Check]] = []
    for name, d in rules.derived.items():
        entries[name] = []
        for entry in d.rules:
            checks = checks_of(entry.when)
            on_inputs = [c for c in checks if c.field in rules.inputs]
            atom = None
            if on_inputs:
                atom = first_atom + len(atoms)
                atoms.append(on_inputs)
            on_outputs = [c for c in checks if c.field not in rules.inputs]
            entries[name].append(DerivedEntry(entry.value, atom, on_outputs))
    return entries, atoms
