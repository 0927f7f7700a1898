"""Grading, the public face: load the rule file, grade one record (durable_rules)
or a whole table (vectorized, scoring/grading_frame.py), explain every point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradegate.scoring.engine import CompiledOnce
from gradegate.scoring.grading.checks import grading_problems
from gradegate.scoring.grading.engine import DurableGrader, Match
from gradegate.scoring.grading.input import Project, ProjectParser
from gradegate.scoring.grading.model import Criterion, GradingRules
from gradegate.scoring.grading.result import CriterionScore, GradingResult, OverrideOut
from gradegate.scoring.identity import RuleSetIdentity, RulesetRef
from gradegate.scoring.rulefile import load_rule_file

GRADING_FILE = "grading.yaml"


@dataclass(frozen=True)
class Outcome:
    matched: str  # the band or value as a person reads it
    code: str | None  # the enum value or risk level code
    label: str
    points: int


def _outcomes(c: Criterion) -> dict[int | str, Outcome]:
    """Match key (band index, enum code, risk level index) → what it means in a result."""
    if c.bands:
        return {j: Outcome(b.shown, None, b.shown, b.points) for j, b in enumerate(c.bands)}
    if c.values:
        return {code: Outcome(f"{v.label} ({code})", code, v.label, v.points) for code, v in c.values.items()}
    assert c.levels is not None
    return {j: Outcome(f"{lv.label} ({lv.code})", lv.code, lv.label, lv.points) for j, lv in enumerate(c.levels)}


class GradingRuleSet:
    """A validated grading rule file with everything compiled from it."""

    def __init__(self, rules: GradingRules, identity: RuleSetIdentity):
        self.rules = rules
        self.identity = identity
        self.ref = RulesetRef.of(identity)
        self.parser = ProjectParser(rules)
        # What each band, value and risk level means in a result, worked out once per rule file.
        self._outcomes = [_outcomes(c) for c in rules.criteria]
        self._max_points = [c.max_points for c in rules.criteria]
        self._max_score = rules.max_score
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
        project = self.parser.parse(record)
        return self.explain(project, self.grader.matches(project))

    def explain(self, project: Project, matches: dict[int, Match]) -> GradingResult:
        """The result with its explanation: per criterion, the input, what matched and the points."""
        rules = self.rules
        scores: list[CriterionScore] = []
        risk: Outcome | None = None
        for i, c in enumerate(rules.criteria):
            outcome = self._outcomes[i][matches[i][1]]
            value: Any = dict(project.risk) if c.levels else getattr(project, c.field)
            if c.levels:
                risk = outcome
            # model_construct: every value here is typed by the parser or the rule file already;
            # validating it again would cost more than the rule evaluation itself.
            scores.append(
                CriterionScore.model_construct(
                    code=c.code,
                    label=c.label,
                    field=c.field,
                    input=value,
                    matched=outcome.matched,
                    matched_code=outcome.code,
                    points=outcome.points,
                    max_points=self._max_points[i],
                )
            )
        total = sum(s.points for s in scores)
        computed = "company" if total >= rules.threshold else "office"
        override = project.level_override
        final = override.level if override else computed
        labels = rules.level_labels
        return GradingResult.model_construct(
            project_id=project.project_id,
            project_name=project.project_name,
            total_score=total,
            max_score=self._max_score,
            threshold=rules.threshold,
            margin=total - rules.threshold,
            level=final,
            level_label=labels[final],
            computed_level=computed,
            computed_level_label=labels[computed],
            risk_level=(risk.code or "") if risk else "",
            risk_level_label=risk.label if risk else "",
            override=(
                OverrideOut.model_construct(
                    level=override.level,
                    level_label=labels[override.level],
                    approved_by=override.approved_by,
                    reason=override.reason,
                )
                if override
                else None
            ),
            criteria=scores,
            ruleset=self.ref,
        )

    def summary(self) -> list[tuple[str, str]]:
        """(label, value) lines for `gradegate rules check`."""
        r = self.rules
        lines = [
            ("criteria", str(len(r.criteria))),
            ("max score", str(r.max_score)),
            ("threshold", f"{r.threshold} (≥ → {r.level_labels['company']}, below → {r.level_labels['office']})"),
        ]
        lines += [(f"  {c.code} {c.label}", f"max {c.max_points} · field {c.field}") for c in r.criteria]
        return lines

    def close(self) -> None:
        self._grader.close()
