"""The documented bodies and answers of POST /v1/gates/check and /v1/reviewers/select
(gates.md, reviewers.md): codes with their Chinese labels from the shipped rule files.

As for grading, the routes hand the raw JSON to the rule sets, which validate every
field and name each one at fault; these models are what a generated client sends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from gradegate.scoring import STATUSES, GateCheckResult, ReviewerSelection
from gradegate.service.openapi import choices, shipped_rules
from gradegate.service.schemas import Amount, Level, ProjectIn, code_enum

_gates = shipped_rules().gates.rules
_reviewers = shipped_rules().reviewers.rules

if TYPE_CHECKING:  # built from the shipped rule files at import: to a type checker, strings
    GateCode: TypeAlias = str
    Status: TypeAlias = str
    Kind: TypeAlias = str
    ContractType: TypeAlias = str
    Clause: TypeAlias = str
    Role: TypeAlias = str
else:
    GateCode = code_enum("GateCode", {g.code: g.label for g in _gates.gates})
    Status = code_enum("DeliverableStatus", STATUSES)
    Kind = code_enum("ReviewKind", {k: v.label for k, v in _reviewers.kinds.items()})
    ContractType = code_enum("ContractType", {k: v.label for k, v in _reviewers.contract_types.items()})
    Clause = code_enum("Clause", {k: v.label for k, v in _reviewers.clauses.items()})
    Role = code_enum("SignatoryRole", dict(_reviewers.roles))

GATE_EXAMPLE: dict[str, Any] = {
    "project_id": "P2026-001",
    "gate": "SDP1",
    "level": "company",
    "flags": {"bid": True},
    "passed_gates": [],
    "deliverables": {"planning_report": "approved", "initiation_form": "已批准", "grading_form": "submitted"},
}
REVIEW_EXAMPLE: dict[str, Any] = {
    "kind": "contract",
    "id": "C2026-001",
    "contract_type": "direct_sale",
    "amount_rmb": 6000000,
    "clauses": ["technical_terms", "penalty_terms"],
    "submitter": "E001",
    "region": "华南地区部",
}


class GateCheckIn(BaseModel):
    """One readiness check (gates.md): the level (or the grading input it is computed from), the flags,
    the gates passed and each deliverable's status."""

    model_config = ConfigDict(json_schema_extra={"examples": [GATE_EXAMPLE]})

    project_id: str = Field(min_length=1, description="项目编号")
    gate: GateCode | str = Field(description=f"关口 — one of {choices({g.code: g.label for g in _gates.gates})}")
    level: Level | str | None = Field(
        default=None, description="项目等级 — company 公司级 / office 办事处级; required at SDP1–SDP3 unless `grading`"
    )
    grading: ProjectIn | None = Field(default=None, description="the grading input, when `level` is not given")
    flags: dict[str, bool] = Field(
        default_factory=dict, description=f"项目情况 (all default false): {choices(dict(_gates.flags))}"
    )
    passed_gates: list[GateCode | str] = Field(default_factory=list, description="已通过的关口 (codes or labels)")
    deliverables: dict[str, Status | str] = Field(
        default_factory=dict,
        description=f"交付件 → status ({choices(STATUSES)}; absent = missing). Deliverables: "
        f"{choices(dict(_gates.deliverables))}",
    )


class ExpertIn(BaseModel):
    """One expert of an inline roster (reviewers.md)."""

    expert_id: str = Field(min_length=1, description="专家编号")
    name: str = Field(description="姓名")
    roles: list[Role | str] = Field(description=f"权签角色: {choices(dict(_reviewers.roles))}")
    regions: list[str] = Field(description='地区部, or ["*"] for all')
    product_lines: list[str] = Field(description='产品线, or ["*"] for all')
    available: bool
    current_load: int = Field(ge=0, description="open reviews")


class ReviewIn(BaseModel):
    """An order or contract to review (reviewers.md)."""

    model_config = ConfigDict(json_schema_extra={"examples": [REVIEW_EXAMPLE]})

    kind: Kind | str = Field(description=f"评审对象 — {choices({k: v.label for k, v in _reviewers.kinds.items()})}")
    id: str = Field(min_length=1, description="订单/合同编号")
    contract_id: str | None = Field(default=None, description="所属合同编号 — required for an order")
    contract_type: ContractType | str | None = Field(
        default=None,
        description=f"合同类型 (default {_reviewers.default_contract_type}): "
        f"{choices({k: v.label for k, v in _reviewers.contract_types.items()})}",
    )
    amount_rmb: Amount = Field(description='金额 — RMB ≥ 0: a number, or a string such as "6,000,000"')
    clauses: list[Clause | str] = Field(
        min_length=1,
        description=f"包含的条款, at least one: {choices({k: v.label for k, v in _reviewers.clauses.items()})}",
    )
    submitter: str = Field(min_length=1, description="提交人工号 (never picked as a reviewer)")
    region: str | None = Field(default=None, description="地区部")
    product_lines: list[str] | None = Field(default=None, description="产品线")
    disagreement: bool = Field(default=False, description="预审后仍有分歧 (a review meeting is needed)")
    unresolved_disagreement: bool = Field(default=False, description="评审会议后仍有分歧")
    high_risk: bool = Field(default=False, description="合同存在风险")
    roster: list[ExpertIn] | None = Field(default=None, description="experts to pick from instead of the roster file")


class GateCheckOut(GateCheckResult):
    decision_id: str = Field(description="the id of this decision in the decision log")


class ReviewerOut(ReviewerSelection):
    decision_id: str = Field(description="the id of this decision in the decision log")
