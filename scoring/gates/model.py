"""The gate rule file (rules/gates.yaml) as pydantic models, and the checks that
make it safe to compile: every reference resolves, prerequisites form no cycle
and point backwards in the lifecycle, no deliverable is listed twice in a gate.
"""

from __future__ import annotations

import graphlib
from typing import Annotated

from pydantic import Field, model_validator

from gradegate.scoring.rulefile import Loc, Problem, RuleFileHeader, RuleModel
from gradegate.scoring.values import norm_key
from gradegate.scoring.vocabulary import LEVELS, STAGES

Label = Annotated[str, Field(min_length=1, max_length=80)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
GateCode = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=20)]

# Deliverable statuses, lowest first (gates.md): codes and order are the contract.
STATUSES: dict[str, str] = {"missing": "缺失", "draft": "草稿", "submitted": "已提交", "approved": "已批准"}
STATUS_RANK = {code: rank for rank, code in enumerate(STATUSES)}

# A condition on flags: flag → the value it must have; every entry must hold.
When = dict[str, bool]


class Item(RuleModel):
    """One deliverable a gate needs: at least `required` status, `owner` acts on it."""

    deliverable: Code
    required: str
    owner: Code
    only_if: When | None = None


class Decision(RuleModel):
    """Who decides at a gate: one authority, or one per project level; optionally escalated."""

    authority: Code | None = None
    by_level: dict[str, Code] | None = None
    escalate_to: Code | None = None
    escalate_when_any: list[str] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Decision:
        if (self.authority is None) == (self.by_level is None):
            raise ValueError("give exactly one of `authority` or `by_level`")
        if (self.escalate_to is None) != (not self.escalate_when_any):
            raise ValueError("`escalate_to` and `escalate_when_any` go together")
        return self


class Gate(RuleModel):
    code: GateCode
    label: Label
    stage: str
    prerequisites: list[str] = Field(default_factory=list)
    only_if: When | None = None
    decision: Decision
    items: list[Item] = Field(default_factory=list)

    @property
    def needs_level(self) -> bool:
        return self.decision.by_level is not None


class GateRules(RuleFileHeader):
    flags: dict[Code, Label] = Field(min_length=1)
    roles: dict[Code, Label] = Field(min_length=1)
    authorities: dict[Code, Label] = Field(min_length=1)
    deliverables: dict[Code, Label] = Field(min_length=1)
    gates: list[Gate] = Field(min_length=1)

    def gate(self, code: str) -> Gate:
        return next(g for g in self.gates if g.code == code)

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        codes = [g.code for g in self.gates]
        for i, g in enumerate(self.gates):
            loc: Loc = ("gates", i)
            if codes.index(g.code) != i:
                out.append(Problem((*loc, "code"), "duplicate_gate", f"gate {g.code!r} is defined twice"))
            if g.stage not in STAGES:
                out.append(
                    Problem((*loc, "stage"), "unknown_stage", f"unknown stage {g.stage!r}; use one of {list(STAGES)}")
                )
            out += self._prerequisite_problems(g, i, codes)
            out += self._when_problems(g.only_if, (*loc, "only_if"))
            out += self._decision_problems(g.decision, (*loc, "decision"))
            seen: set[str] = set()
            for j, item in enumerate(g.items):
                out += self._item_problems(item, (*loc, "items", j), seen, g.code)
        out += self._cycle_problems()
        out += self._label_problems()
        return out

    def _label_problems(self) -> list[Problem]:
        """Requests name gates by code or label, so no label may read as another gate."""
        seen: dict[str, str] = {}
        out = []
        for i, g in enumerate(self.gates):
            for key in (norm_key(g.code), norm_key(g.label)):
                if seen.get(key, g.code) != g.code:
                    out.append(
                        Problem(
                            ("gates", i, "label"), "ambiguous_label", f"{g.label!r} reads as gate {seen[key]!r} too"
                        )
                    )
                seen.setdefault(key, g.code)
        return out

    def _prerequisite_problems(self, g: Gate, i: int, codes: list[str]) -> list[Problem]:
        out = []
        for k, p in enumerate(g.prerequisites):
            where: Loc = ("gates", i, "prerequisites", k)
            if p not in codes:
                out.append(Problem(where, "unknown_gate", f"prerequisite {p!r} is not a gate; the gates are {codes}"))
            elif g.prerequisites.index(p) != k:
                out.append(Problem(where, "duplicate_prerequisite", f"prerequisite {p!r} is listed twice"))
            elif codes.index(p) > i and not self._reaches(p, g.code):
                # A cycle is reported on its own; this is a forward reference without one.
                out.append(
                    Problem(
                        where,
                        "prerequisite_order",
                        f"prerequisite {p!r} comes after {g.code!r} in the list; list gates in lifecycle order",
                    )
                )
        return out

    def _reaches(self, start: str, target: str) -> bool:
        known = {g.code: g for g in self.gates}
        stack, seen = [start], set()
        while stack:
            code = stack.pop()
            if code == target:
                return True
            if code in seen or code not in known:
                continue
            seen.add(code)
            stack.extend(known[code].prerequisites)
        return False

    def _cycle_problems(self) -> list[Problem]:
        graph = {g.code: [p for p in g.prerequisites if any(x.code == p for x in self.gates)] for g in self.gates}
        try:
            graphlib.TopologicalSorter(graph).prepare()
        except graphlib.CycleError as exc:
            cycle = list(exc.args[1])
            first = next(i for i, g in enumerate(self.gates) if g.code == cycle[0])
            path = " → ".join(cycle)
            return [
                Problem(
                    ("gates", first, "prerequisites"),
                    "prerequisite_cycle",
                    f"prerequisites form a cycle: {path} (each must pass before the next)",
                )
            ]
        return []

    def _when_problems(self, when: When | None, loc: Loc) -> list[Problem]:
        return [
            Problem(
                (*loc, flag), "unknown_flag", f"condition on unknown flag {flag!r}; the flags are {list(self.flags)}"
            )
            for flag in when or {}
            if flag not in self.flags
        ]

    def _decision_problems(self, d: Decision, loc: Loc) -> list[Problem]:
        out = []
        named: list[tuple[str | tuple[str, str], str | None]] = [
            ("authority", d.authority),
            ("escalate_to", d.escalate_to),
        ]
        named += [(("by_level", level), a) for level, a in (d.by_level or {}).items()]
        for key, authority in named:
            if authority is not None and authority not in self.authorities:
                where = (*loc, *key) if isinstance(key, tuple) else (*loc, key)
                out.append(
                    Problem(
                        where,
                        "unknown_authority",
                        f"unknown decision authority {authority!r}; declare it under `authorities` "
                        f"({list(self.authorities)})",
                    )
                )
        if d.by_level is not None and set(d.by_level) != set(LEVELS):
            out.append(
                Problem((*loc, "by_level"), "levels", f"`by_level` names an authority for exactly {list(LEVELS)}")
            )
        for k, flag in enumerate(d.escalate_when_any or []):
            if flag not in self.flags:
                out.append(
                    Problem(
                        (*loc, "escalate_when_any", k),
                        "unknown_flag",
                        f"escalation on unknown flag {flag!r}; the flags are {list(self.flags)}",
                    )
                )
        return out

    def _item_problems(self, item: Item, loc: Loc, seen: set[str], gate: str) -> list[Problem]:
        out = []
        if item.deliverable not in self.deliverables:
            out.append(
                Problem(
                    (*loc, "deliverable"),
                    "unknown_deliverable",
                    f"unknown deliverable {item.deliverable!r}; declare it with its label under `deliverables`",
                )
            )
        if item.deliverable in seen:
            out.append(
                Problem(
                    (*loc, "deliverable"),
                    "duplicate_deliverable",
                    f"deliverable {item.deliverable!r} is listed twice in gate {gate!r}",
                )
            )
        seen.add(item.deliverable)
        if item.required not in STATUSES:
            out.append(
                Problem(
                    (*loc, "required"),
                    "unknown_status",
                    f"unknown status {item.required!r}; use one of {list(STATUSES)}",
                )
            )
        elif item.required == "missing":
            out.append(Problem((*loc, "required"), "never_blocks", "required status `missing` is always met"))
        if item.owner not in self.roles:
            out.append(
                Problem(
                    (*loc, "owner"),
                    "unknown_role",
                    f"unknown owner role {item.owner!r}; declare it under `roles` ({list(self.roles)})",
                )
            )
        out += self._when_problems(item.only_if, (*loc, "only_if"))
        return out
