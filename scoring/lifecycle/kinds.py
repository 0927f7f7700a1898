"""The decision kinds a scenario (or a replay) can name, each a function from a rule folder
and one input record to the JSON the API answers.

A small registry: grading, gates and reviewers are built in; a rule folder's decision
tables add one kind per table code (their answer's `outputs` is what a scenario compares).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from gradegate.scoring.reviewers.roster import Roster
from gradegate.scoring.reviewers.ruleset import ReviewerRuleSet
from gradegate.scoring.rulesets import RuleSets

Decider = Callable[[RuleSets, Mapping[str, Any]], dict[str, Any]]


@cache
def _default_roster(reviewers: ReviewerRuleSet) -> Roster:
    """The shipped roster, read once per reviewer rule set (its roles decide what is valid)."""
    from gradegate.scoring.resources import default_roster_path

    return reviewers.load_roster(default_roster_path())


def _grading(rulesets: RuleSets, record: Mapping[str, Any]) -> dict[str, Any]:
    return rulesets.grading.grade(record).model_dump(mode="json")


def _gates(rulesets: RuleSets, record: Mapping[str, Any]) -> dict[str, Any]:
    return rulesets.gates.check(record, rulesets.grading).model_dump(mode="json")


def _reviewers(rulesets: RuleSets, record: Mapping[str, Any]) -> dict[str, Any]:
    request = dict(record)
    inline = request.pop("roster", None)
    reviewers = rulesets.reviewers
    roster = reviewers.roster_from_records(inline) if inline is not None else _default_roster(reviewers)
    return rulesets.reviewers.select(request, roster).model_dump(mode="json")


BUILT_IN: dict[str, Decider] = {"grading": _grading, "gates": _gates, "reviewers": _reviewers}


def table_codes(rulesets: RuleSets) -> list[str]:
    """The decision-table codes of a rule folder."""
    return list(rulesets.tables)


def decider(rulesets: RuleSets, kind: str) -> Decider | None:
    """The decision a scenario names, or None when the folder has no such kind."""
    if kind in BUILT_IN:
        return BUILT_IN[kind]
    if kind in table_codes(rulesets):

        def _table(rules: RuleSets, record: Mapping[str, Any]) -> dict[str, Any]:
            # A table's answer is compared and replayed by its `outputs` (lifecycle.md).
            answer = rules.tables[kind].decide(record).model_dump(mode="json")
            return dict(answer["outputs"])

        return _table
    return None


def kinds(rulesets: RuleSets) -> list[str]:
    return [*BUILT_IN, *table_codes(rulesets)]
