"""POST /v1/gates/check and /v1/reviewers/select: thin over the gate and reviewer rule sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gradegate.scoring import InputError, ReviewerRuleSet, Roster, render
from gradegate.service.auth import DECIDE
from gradegate.service.deps import AS_OF_PARAMETER, decision, read_json_object
from gradegate.service.openapi import PROBLEM_RESPONSES, body_doc
from gradegate.service.problems import Problem, request_language
from gradegate.service.routes_grade import json_response
from gradegate.service.schemas_decide import (
    GATE_EXAMPLE,
    REVIEW_EXAMPLE,
    GateCheckIn,
    GateCheckOut,
    ReviewerOut,
    ReviewIn,
)

router = APIRouter(tags=["gates and reviewers 决策点/评审点 · 评审专家"], responses=PROBLEM_RESPONSES)


@router.post(
    "/v1/gates/check",
    response_model=GateCheckOut,
    summary="Readiness of one gate for one project (关口就绪检查)",
    openapi_extra={**body_doc(GateCheckIn, {"SDP1 立项决策": GATE_EXAMPLE}), "parameters": [AS_OF_PARAMETER]},
)
async def gate_check(request: Request) -> Response:
    """`ready`, `applicable`, the decision authority, and what blocks: prerequisites, then deliverables,
    each with its owner role (whose move it is)."""
    async with decision(request, DECIDE) as ctx:
        body = await read_json_object(request)
        result = ctx.rules.gates.check(body, ctx.rules.grading)
        out = result.model_dump(mode="json")
        decision_id = await ctx.log.record(
            route="/v1/gates/check", key_id=ctx.caller.key_id, input=body, output=out, ruleset=result.ruleset
        )
    return json_response({**out, "decision_id": decision_id})


def roster_for(service: Any, reviewers: ReviewerRuleSet, inline: Any, lang: str = "zh") -> Roster:
    """The inline roster when one is given, else the configured roster file (read again when it changes).
    `lang`: the language of the 503 when the file cannot be used (the caller's Accept-Language)."""
    if inline is not None:
        return reviewers.roster_from_records(inline)
    path = Path(service.settings.roster_path)
    try:
        stamp = (str(path), path.stat().st_mtime_ns, reviewers.identity.hash)
    except OSError:
        detail = render("roster.unreachable", lang, path=path)
        raise Problem(503, "roster-unavailable", "Roster unavailable", detail) from None
    cache = service.roster_cache
    if cache.get("stamp") != stamp:
        # Read again when the file or the reviewer rules change. A malformed roster file is
        # the operator's problem, not the caller's: 503, not 422.
        try:
            cache["roster"] = reviewers.load_roster(path)
        except InputError as exc:
            shown = "; ".join(i.in_language(lang) for i in exc.issues)
            detail = render("roster.unavailable", lang, path=path, issues=shown)
            raise Problem(503, "roster-unavailable", "Roster unavailable", detail) from None
        cache["stamp"] = stamp
    return cache["roster"]


@router.post(
    "/v1/reviewers/select",
    response_model=ReviewerOut,
    summary="Required roles and the review panel for an order or contract (评审专家选择)",
    openapi_extra={**body_doc(ReviewIn, {"合同评审": REVIEW_EXAMPLE}), "parameters": [AS_OF_PARAMETER]},
)
async def reviewers_select(http: Request) -> Response:
    """Each required role with the rules that required it, the expert picked for it (or why none could
    be), whether a review meeting is needed, and who decides. The roster is the configured file, or the
    request's own `roster`."""
    async with decision(http, DECIDE) as ctx:
        body = await read_json_object(http)
        request = dict(body)
        lang = request_language(http)
        roster = roster_for(ctx.service, ctx.rules.reviewers, request.pop("roster", None), lang)
        result = ctx.rules.reviewers.select(request, roster)
        out = result.to_dict(lang)
        decision_id = await ctx.log.record(
            route="/v1/reviewers/select", key_id=ctx.caller.key_id, input=body, output=out, ruleset=result.ruleset
        )
    return json_response({**out, "decision_id": decision_id})
