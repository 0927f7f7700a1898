"""The rule-set folder: every rule file loaded, validated and identified together.

A folder is all-or-nothing: if any file fails validation, `load_rulesets`
raises one RuleDefinitionError listing the issues of every file, and nothing
from the folder is used (the service keeps serving its last good rule sets).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scoring.errors import RuleDefinitionError, RuleIssue
from scoring.grading import GRADING_FILE, GradingRuleSet
from scoring.rulefile import RuleSetIdentity

# rules/ beside the packages (the repository root, for `pip install -e .`),
# unless GRADEGATE_RULES_DIR says otherwise.
DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def default_rules_dir() -> Path:
    return Path(os.environ.get("GRADEGATE_RULES_DIR") or DEFAULT_RULES_DIR)


@dataclass(frozen=True)
class RuleSets:
    grading: GradingRuleSet

    def all(self) -> list[GradingRuleSet]:
        """Every rule set of the folder, in the order `rules check` shows them."""
        return [self.grading]

    def identities(self) -> list[RuleSetIdentity]:
        return [ruleset.identity for ruleset in self.all()]

    def close(self) -> None:
        self.grading.close()


def load_rulesets(directory: Path | None = None) -> RuleSets:
    directory = Path(directory) if directory is not None else default_rules_dir()
    if not directory.is_dir():
        raise RuleDefinitionError([RuleIssue(str(directory), None, "", "no_rules_dir", "not a folder of rule files")])
    issues: list[RuleIssue] = []
    grading = None
    try:
        grading = GradingRuleSet.load(directory / GRADING_FILE)
    except RuleDefinitionError as exc:
        issues.extend(exc.issues)
    if issues:
        raise RuleDefinitionError(issues)
    assert grading is not None
    return RuleSets(grading=grading)
