"""What a reviewer selection says: the public result for one order or contract (reviewers.md, Output)."""

from __future__ import annotations

from pydantic import BaseModel, Field

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
    reason: str | None = Field(default=None, description="why the role is unfilled")


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
