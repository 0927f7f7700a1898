"""The documented shapes of the HTTP API: request bodies (with examples and the
Chinese labels in the field descriptions) and responses.

Request fields are typed loosely on purpose: the grading core validates every
record itself (codes or Chinese labels, thousands separators, override rules)
and its messages are the ones clients get, whatever the entry point.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from gradegate.scoring import (
    GRADING_FIELDS,
    RISK_FACTORS,
    GateCheckResult,
    GradingResult,
    ReviewerSelection,
    RulesetRef,
    WhatIf,
)


def _enum(name: str) -> Any:
    f = GRADING_FIELDS[name]
    codes = ", ".join(f.codes)
    return Field(
        default=None,
        description=f"{f.label} — required; one of {codes}, or its Chinese label in the rule file",
        json_schema_extra={"type": "string"},
    )


def _number(name: str, kind: str = "number") -> Any:
    f = GRADING_FIELDS[name]
    return Field(
        default=None,
        description=f"{f.label} — required; {kind} ≥ {f.minimum:g} (RMB for amounts; '12,000,000' accepted)",
        json_schema_extra={"type": kind},
    )


PROJECT_EXAMPLE: dict[str, Any] = {
    "project_id": "P2026-001",
    "project_name": "省网双向改造",
    "office": "深圳办事处",
    "region": "华南地区部",
    "amount_rmb": "12,000,000",
    "strategic_status": "战略核心",
    "network_position": "new_entry",
    "tech_maturity": "成熟商用",
    "risk": {"scope": "低", "legal": "medium", "cost": "low", "contract_terms": "中", "supplier": "low"},
    "external_service_amount_rmb": 800000,
    "expedite": "无",
    "product_line_count": 2,
}


class ProjectIn(BaseModel):
    """One project to grade (grading.md). An unknown key is refused by name (a typo is never ignored);
    the flat spellings of a table row (`risk_scope`…, `override_level`…) are accepted too."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [PROJECT_EXAMPLE]})

    project_id: Any = Field(
        default=None, description="项目编号 — required, 1–64 characters", json_schema_extra={"type": "string"}
    )
    project_name: Any = Field(default=None, description="项目名称 — optional", json_schema_extra={"type": "string"})
    office: Any = Field(default=None, description="办事处 — optional", json_schema_extra={"type": "string"})
    region: Any = Field(default=None, description="地区部 — optional", json_schema_extra={"type": "string"})
    stage: Any = Field(
        default=None, description="阶段 — optional lifecycle stage (gates.md)", json_schema_extra={"type": "string"}
    )
    amount_rmb: Any = _number("amount_rmb")
    strategic_status: Any = _enum("strategic_status")
    network_position: Any = _enum("network_position")
    tech_maturity: Any = _enum("tech_maturity")
    risk: Any = Field(
        default=None,
        description="总的风险 — required; an object of the five factors "
        f"{', '.join(RISK_FACTORS)} (范围、法律、成本、合同条款、供应商), each low 低 / medium 中 / high 高",
        json_schema_extra={"type": "object"},
    )
    external_service_amount_rmb: Any = _number("external_service_amount_rmb")
    expedite: Any = _enum("expedite")
    product_line_count: Any = _number("product_line_count", "integer")
    level_override: Any = Field(
        default=None,
        description="管理层决定的等级 — optional {level: company 公司级 | office 办事处级, approved_by, reason}",
        json_schema_extra={"type": "object"},
    )


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[dict[str, Any]] = Field(
        description="the projects to grade, at most GRADEGATE_MAX_BATCH_ITEMS (default 1000)",
        examples=[[PROJECT_EXAMPLE]],
    )


class GradeOut(GradingResult):
    decision_id: str = Field(description="the id of this decision in the decision log")
    what_if: WhatIf | None = Field(default=None, description="with ?what_if=true: what would change the level")


class BatchItem(BaseModel):
    index: int = Field(description="position in `items`, from 0")
    project_id: Any = None
    ok: bool
    result: GradingResult | None = None
    errors: list[dict[str, Any]] | None = Field(default=None, description="[{field, value, reason, message, accepted}]")


class BatchOut(BaseModel):
    decision_id: str
    ruleset: RulesetRef
    graded: int
    failed: int
    results: list[BatchItem]


class RulesetInfo(BaseModel):
    kind: str
    name: str
    version: str
    hash: str
    path: str
    loaded_at: str


class RulesetsOut(BaseModel):
    worker: int = Field(
        description="the process id of the worker that answered (each uvicorn worker has its own rules)"
    )
    generation: int = Field(description="how many times this worker has loaded the rules")
    rulesets: list[RulesetInfo]
    last_refused: Annotated[dict[str, Any] | None, Field(description="the last reload refused, if any")] = None


class HealthOut(BaseModel):
    status: str = Field(description="ok while the process serves")


class GateOut(GateCheckResult):
    decision_id: str = Field(description="the id of this decision in the decision log")


class ReviewersOut(ReviewerSelection):
    decision_id: str = Field(description="the id of this decision in the decision log")


class KeyOut(BaseModel):
    id: str
    role: str
    label: str | None
    created_at: str
    revoked_at: str | None


class KeyCreated(KeyOut):
    key: str = Field(description="the secret, shown only this once")


class KeyRevoked(BaseModel):
    id: str
    revoked: bool
