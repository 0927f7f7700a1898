"""The rule-set folder: every rule file loaded, validated and identified together.

A folder is all-or-nothing: if any file fails validation, `load_rulesets`
raises one RuleDefinitionError listing the issues of every file, and nothing
from the folder is used (the service keeps serving its last good rule sets).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from gradegate.scoring.errors import RuleDefinitionError, RuleIssue
from gradegate.scoring.gates.ruleset import GATES_FILE, GateRuleSet
from gradegate.scoring.grading.ruleset import GRADING_FILE, GradingRuleSet
from gradegate.scoring.identity import RuleSetIdentity
from gradegate.scoring.resources import default_rules_dir
from gradegate.scoring.reviewers.ruleset import REVIEWERS_FILE, ReviewerRuleSet
from gradegate.scoring.tables.ruleset import TABLES_DIR, TableRuleSet, load_tables

T = TypeVar("T")


@dataclass(frozen=True)
class RuleSets:
    grading: GradingRuleSet
    gates: GateRuleSet
    reviewers: ReviewerRuleSet
    tables: dict[str, TableRuleSet] = field(default_factory=dict)  # decision tables by code (tables/*.yaml)

    def all(self) -> list[GradingRuleSet | GateRuleSet | ReviewerRuleSet | TableRuleSet]:
        return [self.grading, self.gates, self.reviewers, *self.tables.values()]

    def identities(self) -> list[RuleSetIdentity]:
        return [r.identity for r in self.all()]

    def close(self) -> None:
        for ruleset in self.all():
            ruleset.close()


def load_rulesets(directory: Path | None = None) -> RuleSets:
    directory = Path(directory) if directory is not None else default_rules_dir()
    if not directory.is_dir():
        raise RuleDefinitionError([RuleIssue(str(directory), None, "", "no_rules_dir", "not a folder of rule files")])
    issues: list[RuleIssue] = []

    def load(loader: Callable[[Path], T], name: str) -> T | None:
        try:
            return loader(directory / name)
        except RuleDefinitionError as exc:
            issues.extend(exc.issues)
            return None

    grading = load(GradingRuleSet.load, GRADING_FILE)
    gates = load(GateRuleSet.load, GATES_FILE)
    reviewers = load(ReviewerRuleSet.load, REVIEWERS_FILE)
    tables = load(load_tables, TABLES_DIR)
    if issues:
        raise RuleDefinitionError(issues)
    assert grading is not None and gates is not None and reviewers is not None and tables is not None
    return RuleSets(grading=grading, gates=gates, reviewers=reviewers, tables=tables)
