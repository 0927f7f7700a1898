"""Gate readiness through durable_rules: each gate of the rule file compiled to
its own ruleset, whose rules fire for what the answer needs.

Per gate, the rules are:
    na        the gate does not apply (its `only_if` fails)
    pre<k>    prerequisite k has not passed and applies to this project
    blk<j>    item j applies and its deliverable is below the required status
    app<j>    conditional item j applies and is met (unconditional items always apply)
    esc       an escalation flag is set

A ruleset per gate keeps each fact down to the fields that gate reads: the
engine's cost grows with every field and every rule that fires (measured in
bench/bench_decisions.py), so only what can block or qualify the answer fires.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradegate.scoring.engine import CompiledRuleset, Condition
from gradegate.scoring.gates.model import STATUS_RANK, Gate, GateRules, When


def _flag(name: str) -> str:
    return f"f_{name}"


def _holds(when: When | None) -> list[Condition]:
    return [{_flag(name): int(value)} for name, value in (when or {}).items()]


def _fails(when: When) -> Condition:
    return {"$or": [{_flag(name): int(not value)} for name, value in when.items()]}


def _all(parts: list[Condition]) -> Condition:
    # An empty conjunction would match nothing in particular: the engine's marker guards it.
    return {"$and": parts} if parts else {"$and": [{"_r": 1}]}


@dataclass(frozen=True)
class Fired:
    applicable: bool
    prerequisites: list[int]  # indexes of unmet prerequisites, in rule-file order
    blocked: list[int]  # indexes of blocking items
    applies: set[int]  # indexes of conditional items that apply and are met
    escalated: bool


def flags_read(rules: GateRules, gate: Gate) -> list[str]:
    """The flags a check of `gate` can depend on, sorted: its own condition, its items', its escalation,
    and whether each prerequisite applies (a prerequisite that does not apply counts as passed)."""
    return sorted(
        {
            *(gate.only_if or {}),
            *(f for i in gate.items for f in i.only_if or {}),
            *(gate.decision.escalate_when_any or []),
        }
        | {f for p in gate.prerequisites for f in rules.gate(p).only_if or {}}
    )


def deliverables_read(gate: Gate) -> list[str]:
    """The deliverables whose status a check of `gate` reads, sorted."""
    return sorted({i.deliverable for i in gate.items})


class GateProgram:
    """One gate's compiled ruleset and the fact fields it reads."""

    def __init__(self, rules: GateRules, gate: Gate):
        self.gate = gate
        self.flags = flags_read(rules, gate)
        self.deliverables = deliverables_read(gate)
        applies = _holds(gate.only_if)
        conditions: dict[str, Condition] = {}
        if gate.only_if:
            conditions["na"] = _fails(gate.only_if)
        for k, code in enumerate(gate.prerequisites):
            conditions[f"pre{k}"] = _all([*applies, {f"p_{code}": 0}, *_holds(rules.gate(code).only_if)])
        for j, item in enumerate(gate.items):
            when = [*applies, *_holds(item.only_if)]
            field, rank = f"s_{item.deliverable}", STATUS_RANK[item.required]
            conditions[f"blk{j}"] = _all([*when, {"$lt": {field: rank}}])
            if item.only_if:
                # Only when met: a blocking item is known to apply already, so one rule fires per item at most.
                conditions[f"app{j}"] = _all([*when, {"$gte": {field: rank}}])
        if gate.decision.escalate_when_any:
            alternatives = [{_flag(f): 1} for f in gate.decision.escalate_when_any]
            conditions["esc"] = _all([*applies, {"$or": alternatives}])
        self._ruleset = CompiledRuleset(f"gate_{gate.code.lower()}", conditions) if conditions else None

    def fire(self, flags: dict[str, bool], passed: frozenset[str], ranks: dict[str, int]) -> Fired:
        fact: dict[str, int] = {_flag(f): int(flags[f]) for f in self.flags}
        for code in self.gate.prerequisites:
            fact[f"p_{code}"] = int(code in passed)
        for d in self.deliverables:
            fact[f"s_{d}"] = ranks.get(d, 0)
        names = self._ruleset.fire(fact) if self._ruleset is not None else []
        pre: list[int] = []
        blocked: list[int] = []
        applies: set[int] = set()
        for name in names:
            if name.startswith("pre"):
                pre.append(int(name[3:]))
            elif name.startswith("blk"):
                blocked.append(int(name[3:]))
            elif name.startswith("app"):
                applies.add(int(name[3:]))
        return Fired("na" not in names, sorted(pre), sorted(blocked), applies, "esc" in names)

    def close(self) -> None:
        if self._ruleset is not None:
            self._ruleset.close()


class GateEngine:
    def __init__(self, rules: GateRules):
        self.programs = {g.code: GateProgram(rules, g) for g in rules.gates}

    def close(self) -> None:
        for program in self.programs.values():
            program.close()
