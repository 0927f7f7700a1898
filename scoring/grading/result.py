"""What a grade says: the public result of grading one project (grading.md, Output)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from gradegate.scoring.identity import RulesetRef


class CriterionScore(BaseModel):
    code: str = Field(description="criterion code, e.g. amount")
    label: str = Field(description="中文名称, e.g. 项目金额")
    field: str = Field(description="the input field scored")
    input: Any = Field(description="the value graded (normalized: codes, numbers)")
    matched: str = Field(description="the band or value that matched, as a person reads it")
    matched_code: str | None = Field(default=None, description="the enum or risk-level code that matched")
    points: int
    max_points: int


class OverrideOut(BaseModel):
    level: str
    level_label: str
    approved_by: str
    reason: str


class GradingResult(BaseModel):
    project_id: str
    project_name: str | None = None
    total_score: int
    max_score: int
    threshold: int
    margin: int = Field(description="total_score − threshold; ≥ 0 means company level by score")
    level: str = Field(description="final level: company (公司级) or office (办事处级)")
    level_label: str
    computed_level: str = Field(description="the level the score gives, before any override")
    computed_level_label: str
    risk_level: str = Field(description="derived overall risk: very_high, high, medium, low")
    risk_level_label: str
    override: OverrideOut | None = None
    criteria: list[CriterionScore]
    ruleset: RulesetRef

    def points(self) -> dict[str, int]:
        return {c.code: c.points for c in self.criteria}

    @classmethod
    def of(cls, data: dict[str, Any]) -> GradingResult:
        """The model of a grade assembled as plain data (scoring/grading/explain.py).

        model_construct: every value there is typed by the parser or the rule file already.
        """
        override = data["override"]
        return cls.model_construct(
            **{
                **data,
                "override": OverrideOut.model_construct(**override) if override else None,
                "criteria": [CriterionScore.model_construct(**c) for c in data["criteria"]],
                "ruleset": RulesetRef.model_construct(**data["ruleset"]),
            }
        )
