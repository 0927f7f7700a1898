"""What a gate check says: the public result of one readiness check (gates.md, Output)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from gradegate.scoring.identity import RulesetRef


class Blocking(BaseModel):
    """One unmet condition: a prerequisite gate not passed, or a deliverable below its required status."""

    kind: str = Field(description="prerequisite or deliverable")
    code: str = Field(description="the gate or deliverable code")
    label: str
    reason: str = Field(description="prerequisite_not_passed, missing or below_required_status")
    status: str | None = None
    status_label: str | None = None
    required_status: str | None = None
    owner_role: str | None = Field(default=None, description="who must act")
    owner_role_label: str | None = None


class GateWarning(BaseModel):
    field: str
    value: Any = None
    reason: str
    message: str


class GateCheckResult(BaseModel):
    project_id: str
    gate: str
    gate_label: str
    stage: str
    stage_label: str
    applicable: bool
    ready: bool
    level: str | None = Field(description="the level used: given, or graded from `grading`")
    level_label: str | None
    decision_authority: str | None = Field(description="who decides; null when the gate does not apply")
    decision_authority_label: str | None
    escalated_by: list[str] = Field(description="the flags that raised the decision to a higher authority")
    blocking: list[Blocking]
    satisfied: int = Field(description="conditions met (prerequisites and applicable deliverables)")
    applicable_items: int = Field(description="conditions checked: prerequisites and applicable deliverables")
    warnings: list[GateWarning]
    ruleset: RulesetRef
