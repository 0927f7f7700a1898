"""What a reviewer selection says: the public result for one order or contract (reviewers.md, Output)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, PrivateAttr

from gradegate.scoring.identity import RulesetRef


class RequiredBy(BaseModel):
    rule: str = Field(description="base, clause, contract_type or amount")
    code: str
    label: str


class RequiredRole(BaseModel):
    role: str
    label: str
    required_by: list[RequiredBy] = Field(description="every rule that required the role")


class Assignment(BaseModel):
    role: str
    label: str
    expert_id: str | None = Field(description="null when no expert can fill the role")
    name: str | None
    reason: str | None = Field(
        default=None, description="why the role is unfilled: in Chinese, in English on Accept-Language: en"
    )
    # The reason in English: not a field of the answer, `ReviewerSelection.to_dict("en")` shows it as `reason`.
    _reason_en: str | None = PrivateAttr(default=None)

    @classmethod
    def unfilled(cls, role: str, label: str, reason: tuple[str, str]) -> Assignment:
        """A role nobody can fill, with why: (Chinese, English)."""
        found = cls(role=role, label=label, expert_id=None, name=None, reason=reason[0])
        found._reason_en = reason[1]
        return found

    def reason_in(self, lang: str) -> str | None:
        return self._reason_en if lang == "en" and self._reason_en else self.reason


class ReviewerSelection(BaseModel):
    id: str
    kind: str
    kind_label: str
    contract_id: str | None
    contract_type: str | None
    contract_type_label: str | None
    required_roles: list[RequiredRole]
    assignments: list[Assignment]
    unfilled: int
    review_meeting: bool
    decision_authority: str
    decision_authority_label: str
    escalated_by: list[str] = Field(description="the flags that raised the decision to a higher authority")
    ruleset: RulesetRef

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The answer as JSON, its unfilled roles' reasons in `lang`; every other field the same in both."""
        out = self.model_dump(mode="json")
        for shown, assignment in zip(out["assignments"], self.assignments, strict=True):
            shown["reason"] = assignment.reason_in(lang)
        return out
