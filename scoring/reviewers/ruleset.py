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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gradegate.scoring import errors as E
from gradegate.scoring.engine import CompiledOnce
from gradegate.scoring.errors import FieldIssue, InputError
from gradegate.scoring.identity import RuleSetIdentity, RulesetRef
from gradegate.scoring.messages import issue
from gradegate.scoring.reviewers.engine import Reason, ReviewerEngine
from gradegate.scoring.reviewers.input import ReviewRequest, ReviewRequestParser
from gradegate.scoring.reviewers.model import ReviewerRules
from gradegate.scoring.reviewers.result import Assignment, RequiredBy, RequiredRole, ReviewerSelection
from gradegate.scoring.reviewers.roster import Roster
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
            ("roles", str(len(self.rules.roles))),
            ("clauses", str(len(self.rules.clauses))),
            ("contract types", str(len(self.rules.contract_types))),
            ("amount rules", ", ".join(f"{r.label} ≥ {r.from_:,.0f}" for r in self.rules.amount_rules) or "none"),
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
                reason = unfilled_reason(role, label, req, roster, picked)
                out.append(Assignment(role=role, label=label, expert_id=None, name=None, reason=reason))
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


def unfilled_reason(role: str, label: str, req: ReviewRequest, roster: Roster, picked: set[str]) -> str:
    """Why nobody can take the role: how many hold it, and what rules each of them out."""
    holders = roster.by_role.get(role, [])
    if not holders:
        return f"no expert in the roster holds {role} ({label})"
    counts = {"unavailable": 0, "the submitter": 0, "outside the region": 0, "outside the product lines": 0}
    counts["already picked for an earlier role"] = 0
    for e in holders:
        region_ok, lines_ok = e.covers(req.region, req.product_lines)
        if not e.available:
            counts["unavailable"] += 1
        elif e.expert_id == req.submitter:
            counts["the submitter"] += 1
        elif not region_ok:
            counts["outside the region"] += 1
        elif not lines_ok:
            counts["outside the product lines"] += 1
        else:
            counts["already picked for an earlier role"] += 1
    why = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
    scope = []
    if req.region:
        scope.append(f"region {req.region}")
    if req.product_lines:
        scope.append("product lines " + "/".join(sorted(req.product_lines)))
    where = f" in {', '.join(scope)}" if scope else ""
    return f"no candidate for {role} ({label}){where}: {len(holders)} hold the role — {why}"
