"""The documented shapes of the HTTP API: request bodies (with examples and the
Chinese labels in the field descriptions) and responses.

The request models document the bodies (types, `required`, enums with their
Chinese labels, examples) for clients generated from /openapi.json; the routes
hand the raw JSON to the grading core, which validates every record itself
(codes or Chinese labels, thousands separators, override rules), so its
messages are the ones clients get, whatever the entry point. Enum codes and
labels are the shipped rule files'.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from gradegate.scoring import GRADING_FIELDS, RISK_FACTORS, GradingResult, RulesetRef, WhatIf
from gradegate.service.openapi import FieldError, choices, shipped_rules


def code_enum(name: str, codes: dict[str, str]) -> type[Enum]:
    """A string enum of codes (the labels go in the field's description)."""
    return Enum(name, {code: code for code in codes}, type=str)  # type: ignore[return-value]


def _labels(field: str) -> dict[str, str]:
    criterion = shipped_rules().grading.rules.criterion_for(field)
    assert criterion is not None and criterion.values is not None, field
    return {code: value.label for code, value in criterion.values.items()}


def _risk_labels() -> dict[str, str]:
    criterion = shipped_rules().grading.rules.criterion_for("risk")
    assert criterion is not None and criterion.factor_values is not None
    return dict(criterion.factor_values)


if TYPE_CHECKING:  # built from the shipped rule files at import: to a type checker, strings
    StrategicStatus: TypeAlias = str
    NetworkPosition: TypeAlias = str
    TechMaturity: TypeAlias = str
    Expedite: TypeAlias = str
    RiskValue: TypeAlias = str
    Level: TypeAlias = str
else:
    StrategicStatus = code_enum("StrategicStatus", _labels("strategic_status"))
    NetworkPosition = code_enum("NetworkPosition", _labels("network_position"))
    TechMaturity = code_enum("TechMaturity", _labels("tech_maturity"))
    Expedite = code_enum("Expedite", _labels("expedite"))
    RiskValue = code_enum("RiskValue", _risk_labels())
    Level = code_enum("Level", dict(shipped_rules().grading.rules.level_labels))
# Amounts and counts as a number, or as a string the way people write them ("12,000,000").
Amount = float | str
Count = int | str


def _enum_doc(name: str, labels: dict[str, str]) -> str:
    return f"{GRADING_FIELDS[name].label} — one of {choices(labels)} (the Chinese label is accepted too)"


def _amount_doc(name: str) -> str:
    return f'{GRADING_FIELDS[name].label} — RMB ≥ 0: a number, or a string such as "12,000,000"'


class RiskIn(BaseModel):
    """总的风险: the five risk factors, each low 低 / medium 中 / high 高 (code or Chinese label)."""

    scope: RiskValue | str = Field(description="范围风险")
    legal: RiskValue | str = Field(description="法律风险")
    cost: RiskValue | str = Field(description="成本风险")
    contract_terms: RiskValue | str = Field(description="合同条款风险")
    supplier: RiskValue | str = Field(description="供应商风险")


class OverrideIn(BaseModel):
    """特批: the level the management decided, who approved it and why (all three required)."""

    level: Level | str = Field(description=f"特批等级 — {choices(dict(shipped_rules().grading.rules.level_labels))}")
    approved_by: str = Field(min_length=1, description="特批人")
    reason: str = Field(min_length=1, description="特批理由")


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


BATCH_SECOND = {**PROJECT_EXAMPLE, "project_id": "P2026-002", "amount_rmb": "800000", "strategic_status": "general"}


class ProjectIn(BaseModel):
    """One project to grade (grading.md). The grading core validates every field and names each
    one at fault (422); risk factors also come flat (`risk_scope` …) and the override as
    `override_level` / `override_approved_by` / `override_reason`."""

    model_config = ConfigDict(json_schema_extra={"examples": [PROJECT_EXAMPLE]})

    project_id: str = Field(min_length=1, max_length=64, description="项目编号")
    project_name: str | None = Field(default=None, description="项目名称")
    office: str | None = Field(default=None, description="办事处")
    region: str | None = Field(default=None, description="地区部")
    stage: str | None = Field(default=None, description="阶段 — the lifecycle stage code (gates.md)")
    amount_rmb: Amount = Field(description=_amount_doc("amount_rmb"))
    strategic_status: StrategicStatus | str = Field(
        description=_enum_doc("strategic_status", _labels("strategic_status"))
    )
    network_position: NetworkPosition | str = Field(
        description=_enum_doc("network_position", _labels("network_position"))
    )
    tech_maturity: TechMaturity | str = Field(description=_enum_doc("tech_maturity", _labels("tech_maturity")))
    risk: RiskIn = Field(description=f"总的风险 — the factors {', '.join(RISK_FACTORS)}")
    external_service_amount_rmb: Amount = Field(description=_amount_doc("external_service_amount_rmb"))
    expedite: Expedite | str = Field(description=_enum_doc("expedite", _labels("expedite")))
    product_line_count: Count = Field(description="涉及产品线数量 — an integer ≥ 1")
    level_override: OverrideIn | None = Field(default=None, description="特批 — optional")


class BatchBody(BaseModel):
    """What the batch route validates before grading: the envelope (an unknown field refused by name).
    Each item is the grading core's to validate, on its own, so one bad item never refuses the batch;
    BatchIn documents the same body with typed items."""

    model_config = ConfigDict(extra="forbid")

    # Any item: one that is not an object is reported in its place, like any other bad item.
    items: list[Any]


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[ProjectIn] = Field(
        description="the projects to grade, at most GRADEGATE_MAX_BATCH_ITEMS (default 1000); each is "
        "validated on its own: a bad item is reported in its place, the others are graded",
        examples=[[PROJECT_EXAMPLE]],
    )


class GradeOut(GradingResult):
    decision_id: str = Field(description="the id of this decision in the decision log")
    what_if: WhatIf | None = Field(default=None, description="with ?what_if=true: what would change the level")


class BatchItem(BaseModel):
    index: int = Field(description="position in `items`, from 0")
    project_id: Any = Field(default=None, description="the item's project_id, as given")
    ok: bool
    result: GradingResult | None = None
    errors: list[FieldError] | None = Field(default=None, description="why the item was not graded")


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


class RefusedReload(BaseModel):
    at: str = Field(description="when (ISO 8601)")
    issues: list[str] = Field(description="each issue as `file:line: message`")


class RulesetsOut(BaseModel):
    worker: int = Field(
        description="the process id of the worker that answered (each uvicorn worker has its own rules)"
    )
    generation: int = Field(description="how many times this worker has loaded the rules")
    rulesets: list[RulesetInfo]
    last_refused: Annotated[RefusedReload | None, Field(description="the last reload refused, if any")] = None
