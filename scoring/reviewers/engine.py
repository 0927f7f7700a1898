"""Required roles, meeting and decision through durable_rules: the reviewer rule
file compiled to one ruleset whose rules fire per reason a role is required.

    base_<kind>       the kind's base roles
    cl_<clause>       a clause present that adds roles (clauses adding none have no rule)
    ct_<type>         a contract of a type that adds roles
    amt_<code>        the amount reaches an amount rule's limit
    meeting           a review-meeting flag is set
    esc_<kind>        an escalation flag of the kind's decision is set

The fact carries only the clauses and flags that are present (absent fields
match nothing), which keeps the engine's per-field cost down.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradegate.scoring.engine import CompiledRuleset, Condition
from gradegate.scoring.reviewers.input import ReviewRequest
from gradegate.scoring.reviewers.model import ReviewerRules


def _any_flag(flags: list[str]) -> Condition:
    return {"$or": [{f"f_{f}": 1} for f in flags]}


@dataclass(frozen=True)
class Reason:
    """Why a role is required: the rule family, its code and its label."""

    rule: str  # base, clause, contract_type, amount
    code: str
    label: str


@dataclass(frozen=True)
class Fired:
    reasons: list[tuple[Reason, list[str]]]  # each fired requirement and the roles it adds
    meeting: bool
    escalated: bool


class ReviewerEngine:
    def __init__(self, rules: ReviewerRules):
        self.rules = rules
        conditions: dict[str, Condition] = {}
        self._adds: dict[str, tuple[Reason, list[str]]] = {}
        for code, kind in rules.kinds.items():
            conditions[f"base_{code}"] = {"kind": code}
            self._adds[f"base_{code}"] = (Reason("base", code, kind.label), kind.base_roles)
        for code, clause in rules.clauses.items():
            if clause.adds:
                conditions[f"cl_{code}"] = {f"c_{code}": 1}
                self._adds[f"cl_{code}"] = (Reason("clause", code, clause.label), clause.adds)
        for code, ctype in rules.contract_types.items():
            if ctype.adds:
                conditions[f"ct_{code}"] = {"$and": [{"kind": "contract"}, {"contract_type": code}]}
                self._adds[f"ct_{code}"] = (Reason("contract_type", code, ctype.label), ctype.adds)
        for rule in rules.amount_rules:
            conditions[f"amt_{rule.code}"] = {"$gte": {"amount": rule.from_}}
            label = f"{rule.label} (≥ {rule.from_:,.0f} RMB)"
            self._adds[f"amt_{rule.code}"] = (Reason("amount", rule.code, label), rule.adds)
        conditions["meeting"] = _any_flag(rules.review_meeting.when_any)
        for code, decision in rules.decision.items():
            if decision.escalate_when_any:
                conditions[f"esc_{code}"] = {"$and": [{"kind": code}, _any_flag(decision.escalate_when_any)]}
        self._clauses_with_rules = {c for c, clause in rules.clauses.items() if clause.adds}
        self._ruleset = CompiledRuleset("reviewers", conditions)

    def fire(self, req: ReviewRequest) -> Fired:
        fact: dict[str, str | int | float] = {"kind": req.kind, "amount": req.amount_rmb}
        if req.contract_type is not None:
            fact["contract_type"] = req.contract_type
        for clause in req.clauses & self._clauses_with_rules:
            fact[f"c_{clause}"] = 1
        for flag, value in req.flags.items():
            if value:
                fact[f"f_{flag}"] = 1
        names = self._ruleset.fire(fact)
        # Reasons in rule-file order (base, clauses, types, amounts), whatever order the engine fired them.
        reasons = [self._adds[name] for name in self._adds if name in names]
        return Fired(reasons, "meeting" in names, f"esc_{req.kind}" in names)

    def close(self) -> None:
        self._ruleset.close()
