"""Grading, the public face: load the rule file, grade one record (durable_rules)
or a whole table (vectorized, scoring/grading_frame.py), explain every point.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gradegate.scoring.engine import CompiledOnce
from gradegate.scoring.grading.checks import grading_problems
from gradegate.scoring.grading.engine import DurableGrader
from gradegate.scoring.grading.explain import Explainer
from gradegate.scoring.grading.input import ProjectParser
from gradegate.scoring.grading.model import GradingRules
from gradegate.scoring.grading.result import GradingResult
from gradegate.scoring.identity import RuleSetIdentity, RulesetRef
from gradegate.scoring.rulefile import load_rule_file

GRADING_FILE = "grading.yaml"


class GradingRuleSet:
    """A validated grading rule file with everything compiled from it."""

    def __init__(self, rules: GradingRules, identity: RuleSetIdentity):
        self.rules = rules
        self.identity = identity
        self.ref = RulesetRef.of(identity)
        self.parser = ProjectParser(rules)
        # What each band, value and risk level means in a result, worked out once per rule file.
        self._explainer = Explainer(rules, self.ref)
        self._grader = CompiledOnce(lambda: DurableGrader(rules))

    @classmethod
    def load(cls, path: Path) -> GradingRuleSet:
        rules, identity = load_rule_file(path, "grading", GradingRules, checks=grading_problems)
        return cls(rules, identity)

    @property
    def grader(self) -> DurableGrader:
        return self._grader.get()

    def grade(self, record: Mapping[str, Any]) -> GradingResult:
        """Validate and grade one record through durable_rules; InputError if it is invalid."""
        return GradingResult.of(self.evaluate(record))

    def evaluate(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """`grade` as plain JSON-ready data: what the HTTP route answers, without building models."""
        project = self.parser.parse(record)
        return self._explainer.explain(project, self.grader.matches(project))

    def summary(self) -> list[tuple[str, str]]:
        """(label, value) lines for `gradegate rules check`."""
        r = self.rules
        lines = [
            ("评分项", str(len(r.criteria))),
            ("满分", str(r.max_score)),
            ("阈值", f"{r.threshold}（≥ → {r.level_labels['company']}，以下 → {r.level_labels['office']}）"),
        ]
        lines += [(f"  {c.code} {c.label}", f"最高 {c.max_points} 分 · 字段 {c.field}") for c in r.criteria]
        return lines

    def close(self) -> None:
        self._grader.close()
