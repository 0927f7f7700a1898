"""The reviewer rule file (rules/reviewers.yaml) as pydantic models, and the
checks that make it safe to compile: every role, kind, flag and authority it
names is declared, no label reads as another code.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, NonNegativeFloat, model_validator

from gradegate.scoring.engine import MIN_CONSTANT
from gradegate.scoring.rulefile import Loc, Problem, RuleFileHeader, RuleModel, label_clashes

Label = Annotated[str, Field(min_length=1, max_length=80)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]

# The request's kinds and yes/no fields are the data contract (reviewers.md).
KINDS = ("order", "contract")
FLAGS = ("disagreement", "unresolved_disagreement", "high_risk")


class Kind(RuleModel):
    label: Label
    base_roles: list[str] = Field(min_length=1)


class Adds(RuleModel):
    """A clause or contract type, and the roles it adds to the panel."""

    label: Label
    adds: list[str] = Field(default_factory=list)


class AmountRule(RuleModel):
    """From this amount on (inclusive), the document is `label` (e.g. 重大) and adds roles."""

    code: Code
    label: Label
    from_: NonNegativeFloat = Field(alias="from", allow_inf_nan=False)
    adds: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _comparable(self) -> AmountRule:
        # The engine compares amounts only with constants that are 0 or not tiny (scoring/engine.py).
        if self.from_ != 0 and self.from_ < MIN_CONSTANT:
            raise ValueError(f"amount limit {self.from_} is too small: limits are 0 or at least {MIN_CONSTANT}")
        return self


class FlagRule(RuleModel):
    when_any: list[str] = Field(min_length=1)


class KindDecision(RuleModel):
    """Who takes the decision for a kind: `default`, or `escalate_to` when any flag of `escalate_when_any` is set."""

    default: Code
    escalate_to: Code | None = None
    escalate_when_any: list[str] | None = None

    @model_validator(mode="after")
    def _pair(self) -> KindDecision:
        if (self.escalate_to is None) != (not self.escalate_when_any):
            raise ValueError("`escalate_to` and `escalate_when_any` go together")
        return self


class ReviewerRules(RuleFileHeader):
    roles: dict[Code, Label] = Field(min_length=1)
    kinds: dict[str, Kind]
    clauses: dict[Code, Adds] = Field(min_length=1)
    contract_types: dict[Code, Adds] = Field(min_length=1)
    default_contract_type: str
    amount_rules: list[AmountRule] = Field(default_factory=list)
    review_meeting: FlagRule
    authorities: dict[Code, Label] = Field(min_length=1)
    decision: dict[str, KindDecision]

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        for section in ("kinds", "decision"):
            given = getattr(self, section)
            out += [
                Problem((section, k), "unknown_kind", f"unknown kind {k!r}; the kinds are {list(KINDS)}")
                for k in given
                if k not in KINDS
            ]
            out += [
                Problem((section,), "missing_kind", f"kind {k!r} needs an entry under `{section}`")
                for k in KINDS
                if k not in given
            ]
        for k, kind in self.kinds.items():
            out += self._roles(kind.base_roles, ("kinds", k, "base_roles"))
        for c, clause in self.clauses.items():
            out += self._roles(clause.adds, ("clauses", c, "adds"))
        for t, ctype in self.contract_types.items():
            out += self._roles(ctype.adds, ("contract_types", t, "adds"))
        for i, rule in enumerate(self.amount_rules):
            out += self._roles(rule.adds, ("amount_rules", i, "adds"))
        if self.default_contract_type not in self.contract_types:
            out.append(
                Problem(
                    ("default_contract_type",),
                    "unknown_contract_type",
                    f"default contract type {self.default_contract_type!r} is not under `contract_types`",
                )
            )
        out += self._flags(self.review_meeting.when_any, ("review_meeting", "when_any"))
        for k, d in self.decision.items():
            out += self._flags(d.escalate_when_any or [], ("decision", k, "escalate_when_any"))
            for key in ("default", "escalate_to"):
                authority = getattr(d, key)
                if authority is not None and authority not in self.authorities:
                    out.append(
                        Problem(
                            ("decision", k, key),
                            "unknown_authority",
                            f"unknown decision authority {authority!r}; declare it under `authorities` "
                            f"({list(self.authorities)})",
                        )
                    )
        codes = [r.code for r in self.amount_rules]
        out += [
            Problem(("amount_rules", i), "duplicate_amount_rule", f"amount rule {c!r} is listed twice")
            for i, c in enumerate(codes)
            if codes.index(c) != i
        ]
        out += label_clashes({c: a.label for c, a in self.clauses.items()}, ("clauses",))
        out += label_clashes({c: a.label for c, a in self.contract_types.items()}, ("contract_types",))
        return out

    def _roles(self, roles: list[str], loc: Loc) -> list[Problem]:
        out = []
        for i, role in enumerate(roles):
            if role not in self.roles:
                out.append(
                    Problem(
                        (*loc, i),
                        "unknown_role",
                        f"unknown role {role!r}; declare it under `roles` ({list(self.roles)})",
                    )
                )
            elif roles.index(role) != i:
                out.append(Problem((*loc, i), "duplicate_role", f"role {role!r} is listed twice"))
        return out

    def _flags(self, flags: list[str], loc: Loc) -> list[Problem]:
        return [
            Problem((*loc, i), "unknown_flag", f"unknown flag {f!r}; the flags are {list(FLAGS)}")
            for i, f in enumerate(flags)
            if f not in FLAGS
        ]
