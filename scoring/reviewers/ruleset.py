"""Review-expert selection, the public face: which signatory roles must review an
order or contract and why (durable_rules), who from the roster fills each role,
whether a meeting is needed and who decides.

Picking is a pure function of the request and the roster: for each required
role in role order, the available experts holding it who are not the
submitter, cover the region and at least one product line, and are not picked
yet; lowest current_load first, ties to the smallest expert_id.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gradegate.scoring import errors as E
from gradegate.scoring.engine import CompiledOnce
from gradegate.scoring.errors import FieldIssue, InputError
from gradegate.scoring.identity import RuleSetIdentity, RulesetRef
from gradegate.scoring.messages import LANGUAGES, both, issue, render
from gradegate.scoring.reviewers.engine import Reason, ReviewerEngine
from gradegate.scoring.reviewers.input import ReviewRequest, ReviewRequestParser
from gradegate.scoring.reviewers.model import ReviewerRules
from gradegate.scoring.reviewers.result import Assignment, RequiredBy, RequiredRole, ReviewerSelection
from gradegate.scoring.reviewers.roster import Expert, Roster
from gradegate.scoring.rulefile import load_rule_file

REVIEWERS_FILE = "reviewers.yaml"
NO_CANDIDATE = "no_candidate"


class ReviewerRuleSet:
    def __init__(self, rules: ReviewerRules, identity: RuleSetIdentity):
        self.rules = rules
        self.identity = identity
        self.ref = RulesetRef.of(identity)
        self.parser = ReviewRequestParser(rules)
        self.role_order = list(rules.roles)
        self._role_set = frozenset(rules.roles)
        self._engine = CompiledOnce(lambda: ReviewerEngine(rules))

    @functools.cache  # noqa: B019 — a few reasons per rule set, which lives as long as its reasons
    def _required_by(self, reason: Reason) -> RequiredBy:
        return RequiredBy(rule=reason.rule, code=reason.code, label=reason.label)

    @classmethod
    def load(cls, path: Path) -> ReviewerRuleSet:
        rules, identity = load_rule_file(path, "reviewers", ReviewerRules, checks=ReviewerRules.problems)
        return cls(rules, identity)

    @property
    def engine(self) -> ReviewerEngine:
        return self._engine.get()

    def summary(self) -> list[tuple[str, str]]:
        return [
            ("角色", str(len(self.rules.roles))),
            ("条款", str(len(self.rules.clauses))),
            ("合同类型", str(len(self.rules.contract_types))),
            ("金额规则", ", ".join(f"{r.label} ≥ {r.from_:,.0f}" for r in self.rules.amount_rules) or "无"),
        ]

    def load_roster(self, path: Path) -> Roster:
        """A roster file checked against this rule set's roles; InputError otherwise."""
        return Roster.from_csv(path, known_roles=self.role_order)

    def roster_from_records(self, records: Any) -> Roster:
        return Roster.from_records(records, known_roles=self.role_order)

    def select(self, request: Mapping[str, Any], roster: Roster) -> ReviewerSelection:
        """Required roles and panel for one order or contract; InputError if the request is invalid."""
        req = self.parser.parse(request)
        if not roster.roles <= self._role_set:
            raise InputError(roster_role_issues(roster, self._role_set))
        fired = self.engine.fire(req)
        reasons: dict[str, list[RequiredBy]] = {}
        for reason, roles in fired.reasons:
            for role in roles:
                reasons.setdefault(role, []).append(self._required_by(reason))
        labels = self.rules.roles
        required = [
            RequiredRole(role=r, label=labels[r], required_by=reasons[r]) for r in self.role_order if r in reasons
        ]
        assignments = self._pick([r.role for r in required], req, roster)
        decision = self.rules.decision[req.kind]
        authority = decision.escalate_to if fired.escalated and decision.escalate_to else decision.default
        ctype = req.contract_type
        return ReviewerSelection(
            id=req.id,
            kind=req.kind,
            kind_label=self.rules.kinds[req.kind].label,
            contract_id=req.contract_id,
            contract_type=ctype,
            contract_type_label=self.rules.contract_types[ctype].label if ctype else None,
            required_roles=required,
            assignments=assignments,
            unfilled=sum(1 for a in assignments if a.expert_id is None),
            review_meeting=fired.meeting,
            decision_authority=authority,
            decision_authority_label=self.rules.authorities[authority],
            escalated_by=[f for f in decision.escalate_when_any or [] if fired.escalated and req.flags[f]],
            ruleset=self.ref,
        )

    def _pick(self, roles: list[str], req: ReviewRequest, roster: Roster) -> list[Assignment]:
        picked: set[str] = set()
        out: list[Assignment] = []
        for role in roles:
            label = self.rules.roles[role]
            chosen = None
            for e in roster.by_role.get(role, ()):
                if e.available and e.expert_id != req.submitter and e.expert_id not in picked:
                    region_ok, lines_ok = e.covers(req.region, req.product_lines)
                    if region_ok and lines_ok:
                        chosen = e
                        break
            if chosen is None:
                out.append(Assignment.unfilled(role, label, unfilled_reason(role, label, req, roster)))
            else:
                picked.add(chosen.expert_id)
                out.append(Assignment(role=role, label=label, expert_id=chosen.expert_id, name=chosen.name))
        return out

    def close(self) -> None:
        self._engine.close()


def roster_role_issues(roster: Roster, known: frozenset[str]) -> list[FieldIssue]:
    """A roster built without the rule set's roles may hold roles the rules do not know: name them."""
    accepted = ", ".join(sorted(known))
    return [
        issue(f"roster.{e.expert_id}.roles", role, E.UNKNOWN_VALUE, accepted, key="roster.unknown_role_of",
              source=roster.source, expert_id=e.expert_id)
        for e in roster.experts
        for role in sorted(e.roles - known)
    ]  # fmt: skip


# What rules out a holder of the role, in the order it is checked: only the first that applies is counted.
RULED_OUT = ("unavailable", "submitter", "region", "product_lines", "picked")


def unfilled_reason(role: str, label: str, req: ReviewRequest, roster: Roster) -> tuple[str, str]:
    """Why nobody can take the role, in Chinese and English: how many hold it, and what rules each of them out."""
    holders = roster.by_role.get(role, [])
    if not holders:
        return both("unfilled.no_holder", role=role, label=label)
    counts = Counter(_ruled_out(e, req) for e in holders)
    zh, en = (_no_candidate(lang, role, label, req, len(holders), counts) for lang in LANGUAGES)
    return zh, en


def _ruled_out(expert: Expert, req: ReviewRequest) -> str:
    region_ok, lines_ok = expert.covers(req.region, req.product_lines)
    if not expert.available:
        return "unavailable"
    if expert.expert_id == req.submitter:
        return "submitter"
    if not region_ok:
        return "region"
    if not lines_ok:
        return "product_lines"
    return "picked"  # a candidate in every other respect: an earlier role of this review took them


def _no_candidate(lang: str, role: str, label: str, req: ReviewRequest, holders: int, counts: Counter[str]) -> str:
    sep = render("list.separator", lang)
    why = sep.join(render(f"unfilled.out.{what}", lang, n=counts[what]) for what in RULED_OUT if counts[what])
    scope: list[str] = []
    if req.region:
        scope.append(render("unfilled.region", lang, region=req.region))
    if req.product_lines:
        scope.append(render("unfilled.product_lines", lang, lines="/".join(sorted(req.product_lines))))
    where = render("unfilled.where", lang, parts=sep.join(scope)) if scope else ""
    return render("unfilled.no_candidate", lang, role=role, label=label, where=where, holders=holders, why=why)
