"""A grade's explanation, prepared once per rule file and assembled per grade as plain data.

Every band, value and risk level already knows what it says in a result (its label,
its points, the criterion's maximum); a grade only picks the prepared entries its
matches name and adds the input. The answer is a plain dict, JSON-ready (the shape
of `GradingResult.model_dump(mode="json")`): the HTTP route serializes it once, and
`GradingResult.of` builds the model from it for callers that want one.
"""

from __future__ import annotations

from typing import Any

from gradegate.scoring.grading.engine import Match
from gradegate.scoring.grading.input import Project
from gradegate.scoring.grading.model import Criterion, GradingRules
from gradegate.scoring.identity import RulesetRef


def _outcomes(c: Criterion) -> dict[int | str, tuple[str, str | None, str, int]]:
    """Match key (band index, enum code, risk level index) → (matched, code, label, points)."""
    if c.bands:
        return {j: (b.shown, None, b.shown, b.points) for j, b in enumerate(c.bands)}
    if c.values:
        return {code: (f"{v.label} ({code})", code, v.label, v.points) for code, v in c.values.items()}
    assert c.levels is not None
    return {j: (f"{lv.label} ({lv.code})", lv.code, lv.label, lv.points) for j, lv in enumerate(c.levels)}


class Explainer:
    """Per criterion and match key, the criterion's entry in a result, ready but for its input."""

    def __init__(self, rules: GradingRules, ref: RulesetRef):
        self.threshold = rules.threshold
        self.labels = dict(rules.level_labels)
        self.max_score = rules.max_score
        self.ref = ref.model_dump()
        # (field read from the project, is it the risk criterion, match key → entry template)
        self._criteria: list[tuple[str, bool, dict[int | str, dict[str, Any]]]] = []
        # match key → (risk_level, risk_level_label) for the risk criterion
        self._risk: dict[int | str, tuple[str, str]] = {}
        for c in rules.criteria:
            entries: dict[int | str, dict[str, Any]] = {}
            for key, (matched, code, label, points) in _outcomes(c).items():
                entries[key] = {
                    "code": c.code,
                    "label": c.label,
                    "field": c.field,
                    "input": None,  # the only per-grade value; the key keeps its place in the order
                    "matched": matched,
                    "matched_code": code,
                    "points": points,
                    "max_points": c.max_points,
                }
                if c.levels:
                    self._risk[key] = (code or "", label)
            self._criteria.append((c.field, bool(c.levels), entries))

    def explain(self, project: Project, matches: dict[int, Match]) -> dict[str, Any]:
        criteria: list[dict[str, Any]] = []
        total = 0
        risk = ("", "")
        for i, (field, is_risk, entries) in enumerate(self._criteria):
            key = matches[i][1]
            entry = entries[key].copy()
            if is_risk:
                entry["input"] = dict(project.risk)
                risk = self._risk[key]
            else:
                entry["input"] = project.value(field)
            total += entry["points"]
            criteria.append(entry)
        labels = self.labels
        computed = "company" if total >= self.threshold else "office"
        override = project.level_override
        final = override.level if override else computed
        return {
            "project_id": project.project_id,
            "project_name": project.project_name,
            "total_score": total,
            "max_score": self.max_score,
            "threshold": self.threshold,
            "margin": total - self.threshold,
            "level": final,
            "level_label": labels[final],
            "computed_level": computed,
            "computed_level_label": labels[computed],
            "risk_level": risk[0],
            "risk_level_label": risk[1],
            "override": (
                {
                    "level": override.level,
                    "level_label": labels[override.level],
                    "approved_by": override.approved_by,
                    "reason": override.reason,
                }
                if override
                else None
            ),
            "criteria": criteria,
            "ruleset": self.ref.copy(),
        }
