"""POST /v1/gates/check and /v1/reviewers/select: thin over the gate and reviewer rule sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gradegate.scoring import InputError, ReviewerRuleSet, Roster
from gradegate.service.deps import DecideContext, read_json_object
from gradegate.service.problems import Problem
from gradegate.service.routes_grade import json_response
from gradegate.service.schemas import GateOut, ReviewersOut

router = APIRouter(tags=["gates and reviewers 决策点/评审点 · 评审专家"])

GATE_EXAMPLE = {
    "project_id": "P2026-001",
    "gate": "SDP1",
    "level": "company",
    "flags": {"bid": True},
    "passed_gates": [],
    "deliverables": {"planning_report": "approved", "initiation_form": "已批准", "grading_form": "submitted"},
}
REVIEW_EXAMPLE = {
    "kind": "contract",
    "id": "C2026-001",
    "contract_type": "direct_sale",
    "amount_rmb": 6000000,
    "clauses": ["technical_terms", "penalty_terms"],
    "submitter": "E001",
    "region": "华南地区部",
}


def _free_form(description: str, examples: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI `requestBody` of a route whose body the core validates field by field."""
    content = {"schema": {"type": "object"}, "examples": {k: {"value": v} for k, v in examples.items()}}
    return {"requestBody": {"required": True, "description": description, "content": {"application/json": content}}}


@router.post(
    "/v1/gates/check",
    response_model=GateOut,
    summary="Readiness of one gate for one project",
    openapi_extra=_free_form(
        "gates.md: project_id, gate, level (company 公司级 / office 办事处级) or grading, flags, "
        "passed_gates, deliverables (missing 缺失 < draft 草稿 < submitted 已提交 < approved 已批准)",
        {"SDP1 立项决策": GATE_EXAMPLE},
    ),
)
async def gate_check(request: Request, ctx: DecideContext) -> Response:
    """`ready`, `applicable`, the decision authority, and what blocks: prerequisites, then deliverables."""
    body = await read_json_object(request)
    result = ctx.rules.gates.check(body, ctx.rules.grading)
    out = result.model_dump(mode="json")
    decision_id = await ctx.log.record(
        route="/v1/gates/check", key_id=ctx.caller.key_id, input=body, output=out, ruleset=result.ruleset
    )
    return json_response({**out, "decision_id": decision_id})


def _roster(service: Any, reviewers: ReviewerRuleSet, inline: Any) -> Roster:
    if inline is not None:
        return reviewers.roster_from_records(inline)
    path = Path(service.settings.roster_path)
    try:
        stamp = (str(path), path.stat().st_mtime_ns, reviewers.identity.hash)
    except OSError:
        raise Problem(
            503, "roster-unavailable", "Roster unavailable", f"the roster file {path} cannot be read; give `roster`"
        ) from None
    cache = service.roster_cache
    if cache.get("stamp") != stamp:
        # Read again when the file or the reviewer rules change. A malformed roster file is
        # the operator's problem, not the caller's: 503, not 422.
        try:
            cache["roster"] = reviewers.load_roster(path)
        except InputError as exc:
            raise Problem(503, "roster-unavailable", "Roster unavailable", f"the roster file {path}: {exc}") from None
        cache["stamp"] = stamp
    return cache["roster"]


@router.post(
    "/v1/reviewers/select",
    response_model=ReviewersOut,
    summary="Required roles and the review panel for an order or contract",
    openapi_extra=_free_form(
        "reviewers.md: kind (order 订单 / contract 合同), id, contract_id, contract_type, amount_rmb, "
        "clauses, submitter, region, product_lines, disagreement, unresolved_disagreement, high_risk; "
        "optional `roster`: a list of experts to use instead of the configured roster file",
        {"合同评审": REVIEW_EXAMPLE},
    ),
)
async def reviewers_select(request: Request, ctx: DecideContext) -> Response:
    body = await read_json_object(request)
    record = dict(body)
    roster = _roster(ctx.service, ctx.rules.reviewers, record.pop("roster", None))
    result = ctx.rules.reviewers.select(record, roster)
    out = result.model_dump(mode="json")
    decision_id = await ctx.log.record(
        route="/v1/reviewers/select", key_id=ctx.caller.key_id, input=body, output=out, ruleset=result.ruleset
    )
    return json_response({**out, "decision_id": decision_id})
