"""POST /v1/gates/check and /v1/reviewers/select: thin over the gate and reviewer rule sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Body
from fastapi.responses import Response

from gradegate.scoring import InputError, ReviewerRuleSet, Roster
from gradegate.service.deps import DecideContext
from gradegate.service.problems import Problem
from gradegate.service.routes_grade import json_response

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


@router.post("/v1/gates/check", summary="Readiness of one gate for one project")
async def gate_check(
    body: dict[str, Any] = Body(  # noqa: B008 — FastAPI's way to document a free-form body
        openapi_examples={"SDP1 立项决策": {"value": GATE_EXAMPLE}},
        description="gates.md: project_id, gate, level (company 公司级 / office 办事处级) or grading, flags, "
        "passed_gates, deliverables (missing 缺失 < draft 草稿 < submitted 已提交 < approved 已批准)",
    ),
    *,
    ctx: DecideContext,
) -> Response:
    """`ready`, `applicable`, the decision authority, and what blocks: prerequisites, then deliverables."""
    result = ctx.rules.gates.check(body, ctx.rules.grading)
    out = result.model_dump(mode="json")
    decision_id = await ctx.log.record(
        route="/v1/gates/check", key_id=ctx.caller.key_id, input=body, output=out, ruleset=result.ruleset
    )
    return json_response({**out, "decision_id": decision_id})


def roster_for(service: Any, reviewers: ReviewerRuleSet, inline: Any) -> Roster:
    """The inline roster when one is given, else the configured roster file (read again when it changes)."""
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


@router.post("/v1/reviewers/select", summary="Required roles and the review panel for an order or contract")
async def reviewers_select(
    body: dict[str, Any] = Body(  # noqa: B008
        openapi_examples={"合同评审": {"value": REVIEW_EXAMPLE}},
        description="reviewers.md: kind (order 订单 / contract 合同), id, contract_id, contract_type, amount_rmb, "
        "clauses, submitter, region, product_lines, disagreement, unresolved_disagreement, high_risk; "
        "optional `roster`: a list of experts to use instead of the configured roster file",
    ),
    *,
    ctx: DecideContext,
) -> Response:
    request = dict(body)
    roster = roster_for(ctx.service, ctx.rules.reviewers, request.pop("roster", None))
    result = ctx.rules.reviewers.select(request, roster)
    out = result.model_dump(mode="json")
    decision_id = await ctx.log.record(
        route="/v1/reviewers/select", key_id=ctx.caller.key_id, input=body, output=out, ruleset=result.ruleset
    )
    return json_response({**out, "decision_id": decision_id})
