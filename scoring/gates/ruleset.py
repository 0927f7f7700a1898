"""Gate readiness, the public face: load the rule file, check one gate for one
project through durable_rules, and say what blocks it and whose move it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from gradegate.scoring.engine import CompiledOnce
from gradegate.scoring.errors import FieldIssue, InputError
from gradegate.scoring.gates.engine import GateEngine, deliverables_read, flags_read
from gradegate.scoring.gates.input import GateRequest, GateRequestParser
from gradegate.scoring.gates.model import STATUSES, GateRules, When
from gradegate.scoring.gates.result import Blocking, GateCheckResult, GateWarning
from gradegate.scoring.grading.ruleset import GradingRuleSet
from gradegate.scoring.identity import RuleSetIdentity, RulesetRef
from gradegate.scoring.rulefile import load_rule_file
from gradegate.scoring.vocabulary import STAGES

GATES_FILE = "gates.yaml"
STATUS_CODES = list(STATUSES)


def holds(when: When | None, flags: Mapping[str, bool]) -> bool:
    return all(flags.get(name, False) == value for name, value in (when or {}).items())


class GateRuleSet:
    """A validated gate rule file with its compiled rulesets."""

    def __init__(self, rules: GateRules, identity: RuleSetIdentity):
        self.rules = rules
        self.identity = identity
        self.ref = RulesetRef.of(identity)
        self.gate_order = [g.code for g in rules.gates]
        self._position = {code: i for i, code in enumerate(self.gate_order)}
        self._gates = {g.code: g for g in rules.gates}
        self._parsers: dict[tuple[str, ...], GateRequestParser] = {}
        self._engine = CompiledOnce(lambda: GateEngine(rules))

    @classmethod
    def load(cls, path: Path) -> GateRuleSet:
        rules, identity = load_rule_file(path, "gates", GateRules, checks=GateRules.problems)
        return cls(rules, identity)

    @property
    def engine(self) -> GateEngine:
        return self._engine.get()

    def parser(self, level_labels: Mapping[str, str]) -> GateRequestParser:
        key = tuple(f"{k}={v}" for k, v in level_labels.items())
        parser = self._parsers.get(key)
        if parser is None:
            parser = self._parsers[key] = GateRequestParser(self.rules, level_labels)
        return parser

    def summary(self) -> list[tuple[str, str]]:
        items = sum(len(g.items) for g in self.rules.gates)
        return [
            ("关口", " → ".join(self.gate_order)),
            ("交付件", f"{len(self.rules.deliverables)}（关口条目 {items} 项）"),
            ("项目标志", ", ".join(self.rules.flags)),
        ]

    def check(self, request: Mapping[str, Any], grading: GradingRuleSet, gate: str | None = None) -> GateCheckResult:
        """Readiness of one gate for one project; InputError if the request is invalid.

        `gate` overrides the request's own gate (the CLI's --gate).
        """
        parser = self.parser(grading.rules.level_labels)
        req = parser.parse(request, lambda record: grading.evaluate(record)["level"], gate)
        return self._decide(req, grading.rules.level_labels)

    def _decide(self, req: GateRequest, level_labels: Mapping[str, str]) -> GateCheckResult:
        g = self._gates[req.gate]
        fired = self.engine.programs[g.code].fire(req.flags, req.passed, req.ranks)
        blocking: list[Blocking] = []
        authority: str | None = None
        escalated: list[str] = []
        checked = 0
        if fired.applicable:
            # Prerequisites in gate (lifecycle) order, whatever order the rule file lists them in (gates.md).
            for k in sorted(fired.prerequisites, key=lambda k: self._position[g.prerequisites[k]]):
                code = g.prerequisites[k]
                blocking.append(
                    Blocking(
                        kind="prerequisite", code=code, label=self._gates[code].label, reason="prerequisite_not_passed"
                    )
                )
            for j in fired.blocked:
                blocking.append(self._blocking_item(g.items[j], req.ranks.get(g.items[j].deliverable, 0)))
            blocked = set(fired.blocked)
            applicable = sum(1 for j, i in enumerate(g.items) if not i.only_if or j in fired.applies or j in blocked)
            checked = len(g.prerequisites) + applicable
            d = g.decision
            authority = d.authority or (d.by_level or {}).get(req.level or "")
            if fired.escalated:
                authority = d.escalate_to
                escalated = [f for f in d.escalate_when_any or [] if req.flags[f]]
        return GateCheckResult(
            project_id=req.project_id,
            gate=g.code,
            gate_label=g.label,
            stage=g.stage,
            stage_label=STAGES[g.stage],
            applicable=fired.applicable,
            ready=not blocking,
            level=req.level,
            level_label=level_labels[req.level] if req.level else None,
            decision_authority=authority,
            decision_authority_label=self.rules.authorities[authority] if authority else None,
            escalated_by=escalated,
            blocking=blocking,
            satisfied=checked - len(blocking),
            applicable_items=checked,
            warnings=[GateWarning(**vars(w)) for w in req.warnings],
            ruleset=self.ref,
        )

    def _blocking_item(self, item: Any, rank: int) -> Blocking:
        status = STATUS_CODES[rank]
        return Blocking(
            kind="deliverable",
            code=item.deliverable,
            label=self.rules.deliverables[item.deliverable],
            reason="missing" if rank == 0 else "below_required_status",
            status=status,
            status_label=STATUSES[status],
            required_status=item.required,
            owner_role=item.owner,
            owner_role_label=self.rules.roles[item.owner],
        )

    def flags_read(self, gate: str) -> list[str]:
        """The flags a check of `gate` can depend on: what the gate's compiled program reads."""
        return flags_read(self.rules, self.rules.gate(gate))

    def deliverables_read(self, gate: str) -> list[str]:
        """The deliverables whose status a check of `gate` reads."""
        return deliverables_read(self.rules.gate(gate))

    def next_gate(self, passed_gates: Iterable[Any], flags: Mapping[str, Any] | None = None) -> str | None:
        """The first gate in lifecycle order that has not passed and applies; None when all have.

        Raises InputError for an unknown gate or flag.
        """
        parser = self.parser({})
        issues: list[FieldIssue] = []
        passed = parser.parse_passed(list(passed_gates), issues)
        parsed_flags = parser.parse_flags(flags, issues)
        if issues:
            raise InputError(issues)
        for g in self.rules.gates:
            if g.code not in passed and holds(g.only_if, parsed_flags):
                return g.code
        return None

    def close(self) -> None:
        self._engine.close()
