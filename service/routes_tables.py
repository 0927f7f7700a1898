"""POST /v1/decide/{table}, /v1/decide/{table}/batch and GET /v1/tables: the decision tables
of the rule folder over HTTP, every decision logged like the other routes.

The tables are files, so the OpenAPI document describes their records when it is asked for
(service/openapi_tables.py); the routes' problem answers are the shared ones (openapi.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from gradegate.scoring import InputError, RulesetRef, RuleSets, TableResult, TableRuleSet, issue
from gradegate.scoring import errors as E
from gradegate.service.auth import GRADE, ReaderDep
from gradegate.service.deps import AS_OF_PARAMETER, GradeContext, RulesDep, decision, read_json_object
from gradegate.service.openapi import PROBLEM_RESPONSES, problem_doc
from gradegate.service.problems import Problem, request_language
from gradegate.service.routes_grade import json_response

router = APIRouter(tags=["decision tables 决策表"], responses=PROBLEM_RESPONSES)
DECIDE_PATH = "/v1/decide/{table}"
# The shared problem answers, with the table routes' own 404 and 422 in words and examples.
UNKNOWN_TABLE = problem_doc(
    404,
    "unknown-table",
    "Unknown decision table",
    "no decision table 'project_klass'; tables: key_project, price_review, project_class",
    "no decision table of that code",
)
DECIDE_PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: UNKNOWN_TABLE,
    422: problem_doc(
        422,
        "invalid-input",
        "Invalid input",
        "1 field(s) are invalid: amount_rmb: …",
        "invalid fields: each named in `errors` with its value and what is accepted",
    ),
}
BATCH_PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: UNKNOWN_TABLE,
    422: problem_doc(
        422, "invalid-request", "Invalid request",
        'give {"items": [record, …]} with 1–1000 records (GRADEGATE_MAX_BATCH_ITEMS)',
        'the body is not {"items": [record, …]} within the batch limit (a bad item is reported in its result)',
    ),
}  # fmt: skip


class DecideOut(TableResult):
    decision_id: str = Field(description="the id of this decision in the decision log")


class DecideBatchItem(BaseModel):
    index: int
    id: Any = Field(default=None, description="the item's id field, as given")
    ok: bool
    result: TableResult | None = None
    errors: list[dict[str, Any]] | None = Field(default=None, description="field, value, reason, message, accepted")


class DecideBatchOut(BaseModel):
    decision_id: str
    table: str
    ruleset: RulesetRef
    decided: int
    failed: int
    results: list[DecideBatchItem]


class TableInfo(BaseModel):
    code: str
    label: str
    description: str | None
    id_field: str
    hit_policy: str
    inputs: list[dict[str, Any]] = Field(description="name, type, label, required, default, accepted, values")
    outputs: list[dict[str, Any]] = Field(description="name, label, values (code → 中文)")
    rules: list[dict[str, str]]
    ruleset: RulesetRef


class TablesOut(BaseModel):
    tables: list[TableInfo]


def find_table(rules: RuleSets, code: str) -> TableRuleSet:
    table = rules.tables.get(code)
    if table is None:
        known = ", ".join(rules.tables) or "none"
        raise Problem(404, "unknown-table", "Unknown decision table", f"no decision table {code!r}; tables: {known}")
    return table


@router.post(
    DECIDE_PATH,
    response_model=DecideOut,
    summary="One record through a decision table",
    responses=DECIDE_PROBLEMS,
    openapi_extra={"parameters": [AS_OF_PARAMETER]},
)
async def decide(table: str, request: Request) -> Response:
    """`outputs` (each coded output with its `<name>_label`), the rules that matched, the rule set
    and `decision_id`. The body is one record: the table's inputs (see `GET /v1/tables`)."""
    async with decision(request, GRADE) as ctx:
        record = await read_json_object(request)
        chosen = find_table(ctx.rules, table)
        result = chosen.decide(record)
        out = result.model_dump(mode="json")
        decision_id = await ctx.log.record(
            route=f"/v1/decide/{chosen.code}",
            key_id=ctx.caller.key_id,
            input=record,
            output=out,
            ruleset=result.ruleset,
        )
    return json_response({**out, "decision_id": decision_id})


@router.post(
    DECIDE_PATH + "/batch",
    response_model=DecideBatchOut,
    summary="A list of records through a decision table; bad items reported",
    responses=BATCH_PROBLEMS,
    openapi_extra={"parameters": [AS_OF_PARAMETER]},
)
async def decide_batch(table: str, request: Request, ctx: GradeContext) -> Response:
    """Body `{"items": [record, …]}`. One entry per item, in order: `ok` with the result, or the
    item's field errors; good items are decided whatever the others hold."""
    chosen = find_table(ctx.rules, table)
    body = await read_json_object(request)
    items = body.get("items")
    limit = ctx.service.settings.max_batch_items
    if not isinstance(items, list) or len(items) > limit or set(body) != {"items"}:
        given = len(items) if isinstance(items, list) else items
        message = f'give {{"items": [record, …]}} with 1–{limit} records (GRADEGATE_MAX_BATCH_ITEMS)'
        bad = {"field": "items", "value": given, "reason": E.WRONG_TYPE, "message": message, "accepted": message}
        raise Problem(422, "invalid-request", "Invalid request", message, [bad])
    results = await run_in_threadpool(_decide_items, chosen, items, request_language(request))
    decided = sum(1 for r in results if r["ok"])
    out = {
        "table": chosen.code,
        "ruleset": chosen.ref.model_dump(),
        "decided": decided,
        "failed": len(results) - decided,
        "results": results,
    }
    decision_id = await ctx.log.record(
        route=f"/v1/decide/{chosen.code}/batch", key_id=ctx.caller.key_id, input=items, output=out, ruleset=chosen.ref
    )
    return json_response({"decision_id": decision_id, **out})


def _decide_items(table: TableRuleSet, items: list[Any], lang: str) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        entry: dict[str, Any] = {"index": index}
        try:
            if not isinstance(item, dict):
                raise InputError([issue("", item, E.WRONG_TYPE, "object", key="batch.not_object", index=index)])
            entry["id"] = item.get(table.rules.id_field)
            entry.update(ok=True, result=table.decide(item).model_dump(mode="json"))
        except InputError as exc:
            entry.update(ok=False, errors=[i.to_dict(lang) for i in exc.issues])
        results.append(entry)
    return results


@router.get("/v1/tables", response_model=TablesOut, summary="The decision tables: inputs, outputs, rules")
async def list_tables(rules: RulesDep, caller: ReaderDep) -> Response:
    """Per table: code, label, id field, hit policy, inputs (type, 中文 label, required or default,
    accepted values), outputs (with their labels) and rules."""
    return json_response({"tables": [t.describe() for t in rules.tables.values()]})
