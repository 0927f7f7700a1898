"""POST /v1/grade and /v1/grade/batch: thin over the grading core, every decision logged."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from gradegate.scoring import GradingResult, GradingRuleSet, InputError, issue
from gradegate.scoring import errors as E
from gradegate.scoring import what_if as compute_what_if
from gradegate.scoring.values import parse_text
from gradegate.scoring.vocabulary import ID_MAX_LENGTH
from gradegate.service.auth import GRADE
from gradegate.service.deps import AS_OF_PARAMETER, GradeContext, decision, query_value, read_json_object, read_model
from gradegate.service.openapi import PROBLEM_RESPONSES, body_doc
from gradegate.service.problems import Problem, request_language
from gradegate.service.schemas import BATCH_SECOND, PROJECT_EXAMPLE, BatchBody, BatchIn, BatchOut, GradeOut, ProjectIn

router = APIRouter(tags=["grading 项目等级评定"], responses=PROBLEM_RESPONSES)


def _flag(request: Request, name: str) -> bool:
    """A boolean query parameter, read by hand on the hot route (declared in its OpenAPI entry)."""
    value = (query_value(request, name) or "false").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise Problem(
        422,
        "invalid-request",
        "Invalid request",
        f"query parameter {name}: {value!r} is not a boolean",
        [
            {
                "field": name,
                "value": value,
                "reason": E.WRONG_TYPE,
                "message": f"{name} must be true or false",
                "accepted": "true, false",
            }
        ],
    )


def json_response(body: Any) -> Response:
    return Response(orjson.dumps(body), media_type="application/json")


@router.post(
    "/v1/grade",
    response_model=GradeOut,
    summary="Grade one project (项目等级评定)",
    openapi_extra={
        **body_doc(ProjectIn, {"项目 project": PROJECT_EXAMPLE}),
        "parameters": [
            {
                "name": "what_if",
                "in": "query",
                "required": False,
                "schema": {"type": "boolean", "default": False},
                "description": "add, per criterion, the smallest change of input that would change the level "
                "(如何改变等级)",
            },
            AS_OF_PARAMETER,
        ],
    },
)
async def grade(request: Request) -> Response:
    """The total score, the level (公司级 company / 办事处级 office), the points and band of each
    criterion, the margin to the threshold, and the rule set used. `?what_if=true` adds, per
    criterion, the smallest change of input that would change the level."""
    async with decision(request, GRADE, query=("what_if",)) as ctx:
        what_if = _flag(request, "what_if")
        record = await read_json_object(request)
        # Graded on the event loop: a fraction of a millisecond of GIL-bound work, cheaper
        # than a hop to the thread pool (the rule engine never releases the GIL anyway).
        out = ctx.rules.grading.evaluate(record)
        # Serialized once: the same bytes are the logged output and the answer's body.
        body = orjson.dumps(out)
        decision_id = await ctx.log.record(
            route="/v1/grade", key_id=ctx.caller.key_id, input=record, output=body, ruleset=ctx.rules.grading.ref
        )
        if what_if:
            changes = compute_what_if(ctx.rules.grading.rules, GradingResult.of(out)).model_dump(mode="json")
            return json_response({**out, "decision_id": decision_id, "what_if": changes})
    return Response(body[:-1] + b',"decision_id":"' + decision_id.encode() + b'"}', media_type="application/json")


@router.post(
    "/v1/grade/batch",
    response_model=BatchOut,
    summary="Grade a list of projects; bad items are reported, good ones graded",
    openapi_extra={
        **body_doc(BatchIn, {"两个项目 two projects": {"items": [PROJECT_EXAMPLE, BATCH_SECOND]}}),
        "parameters": [AS_OF_PARAMETER],
    },
)
async def grade_batch(request: Request, ctx: GradeContext) -> Response:
    """One entry per item, in order: `ok` with the result, or the item's field errors.
    A `project_id` given twice is graded once; its later items are reported as duplicates."""
    items = read_model(BatchBody, await read_json_object(request)).items
    limit = ctx.service.settings.max_batch_items
    if len(items) > limit:
        raise Problem(
            422,
            "batch-too-large",
            "Batch too large",
            f"the batch holds {len(items)} items; at most {limit} per request (GRADEGATE_MAX_BATCH_ITEMS)",
            [
                {
                    "field": "items",
                    "value": len(items),
                    "reason": E.OUT_OF_RANGE,
                    "message": f"{len(items)} items; at most {limit}",
                    "accepted": f"1–{limit} items",
                }
            ],
        )
    # Up to max_batch_items records: graded in a worker thread, not on the event loop.
    results = await run_in_threadpool(_grade_items, ctx.rules.grading, items, request_language(request))
    graded = sum(1 for r in results if r["ok"])
    ref = ctx.rules.grading.ref
    out = {"ruleset": ref.model_dump(), "graded": graded, "failed": len(results) - graded, "results": results}
    decision_id = await ctx.log.record(
        route="/v1/grade/batch", key_id=ctx.caller.key_id, input=items, output=out, ruleset=ref
    )
    return json_response({"decision_id": decision_id, **out})


def _grade_items(grading: GradingRuleSet, items: list[Any], lang: str) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        pid = item.get("project_id") if isinstance(item, dict) else None
        entry: dict[str, Any] = {"index": index, "project_id": pid}
        try:
            if not isinstance(item, dict):  # reported in its place; the other items are still graded
                raise InputError([issue("", item, E.WRONG_TYPE, "object", key="batch.not_object", index=index)])
            result = grading.evaluate(item)
            # The id as the core normalized it (trimmed), so " P1" and "P1" are one project.
            first = seen.setdefault(result["project_id"], index)
            if first != index:
                accepted = "a project_id used once per batch"
                raise InputError([issue("project_id", pid, E.DUPLICATE, accepted, key="duplicate.batch", first=first)])
            entry.update(ok=True, result=result)
        except InputError as exc:
            entry.update(ok=False, errors=[i.to_dict(lang) for i in exc.issues])
            # A refused item's id still counts, as in `gradegate grade`: a later item with it is reported as a
            # duplicate (grading.md), not graded as if the project appeared once in the batch.
            known = parse_text(pid, "project_id", required=True, max_length=ID_MAX_LENGTH)
            if isinstance(known, str):
                seen.setdefault(known, index)
        results.append(entry)
    return results
