"""Reading and running the service: health, rule sets, reload, decisions, API keys."""

from __future__ import annotations

import os
from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from gradegate.reports.formatting import CHINA
from gradegate.scoring import errors as E
from gradegate.service.auth import AdminDep, ReaderDep, ReloaderDep
from gradegate.service.decision_log import SUBJECT_MAX, Decision, DecisionList
from gradegate.service.deps import LogDep, ServiceDep, read_json_object, read_model, refuse_unknown_query
from gradegate.service.errors import UnknownRole
from gradegate.service.keys import ROLE_HELP
from gradegate.service.openapi import PROBLEM_RESPONSES, answers, body_doc
from gradegate.service.problems import Problem, rules_problem
from gradegate.service.routes_grade import json_response
from gradegate.service.schemas import RulesetsOut
from gradegate.service.schemas_admin import HealthOut, KeyCreated, KeyCreateIn, KeyOut, KeyRevoked

router = APIRouter()
EXAMPLE_ID = "01a22a9b-c4f1-7a6d-821f-9382be708c82"
RULESETS_EXAMPLE = {
    "generation": 1,
    "rulesets": [
        {
            "kind": "grading",
            "name": "default-grading",
            "version": "2026.11-1",
            "hash": "sha256:a5228b7a3557…",
            "path": "rules/grading.yaml",
            "loaded_at": "2026-11-30T03:00:00+00:00",
        }
    ],
    "last_refused": None,
}
KEY_EXAMPLE = {
    "id": "k3x9",
    "role": "system",
    "label": "ERP integration",
    "created_at": "2026-11-30T03:00:00+00:00",
    "revoked_at": None,
}
_HEALTHY = b'{"status":"ok"}'


@router.get("/healthz", tags=["service"], response_model=HealthOut, summary="Liveness (no key needed)")
async def healthz() -> Response:
    return Response(_HEALTHY, media_type="application/json")


def rulesets_view(service: Any) -> dict[str, Any]:
    state = service.rules
    refused = None
    if state.last_error is not None:
        refused = {
            "at": state.last_error_at.isoformat(),
            "issues": [str(i) for i in state.last_error.issues],
        }
    return {
        "worker": os.getpid(),
        "generation": state.generation,
        "rulesets": [i.to_dict() for i in state.current.identities()],
        "last_refused": refused,
    }


@router.get(
    "/v1/rulesets",
    tags=["rules"],
    response_model=RulesetsOut,
    responses=answers(RULESETS_EXAMPLE),
    summary="The rule sets in service",
)
def rulesets(service: ServiceDep, caller: ReaderDep) -> Response:
    """Name, version, content hash and load time of every rule set this worker serves, and the last
    reload it refused (a broken rule file), if any."""
    return json_response(rulesets_view(service))


@router.post(
    "/v1/rules/reload",
    tags=["rules"],
    response_model=RulesetsOut,
    responses=answers({**RULESETS_EXAMPLE, "generation": 2}),
    summary="Reload the rule files",
)
async def reload_rules(service: ServiceDep, caller: ReloaderDep) -> Response:
    """Validate the rule folder and swap it in whole. A folder that fails validation is refused with
    its issues (file:line) as a 422 problem, and the previous rules keep serving. Other workers
    pick the change up from the files within GRADEGATE_RELOAD_POLL_S seconds."""
    outcome = await run_in_threadpool(service.rules.reload)
    if outcome.error is not None:
        raise rules_problem(outcome.error)
    return json_response(rulesets_view(service))


def parse_since(value: str | None) -> datetime | None:
    """`since` as people give it: a date (from the start of that day, China Standard Time) or an ISO
    date-time (China Standard Time unless it names its offset)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text) if len(text) > 10 else datetime.combine(date.fromisoformat(text), time())
    except ValueError:
        raise Problem(
            422,
            "invalid-request",
            "Invalid request",
            f"query parameter since: {value!r} is not a date",
            [
                {
                    "field": "since",
                    "value": value,
                    "reason": E.WRONG_TYPE,
                    "message": f"since: {value!r} is not a date or date-time",
                    "accepted": "YYYY-MM-DD or an ISO 8601 date-time, e.g. 2026-11-01 or 2026-11-01T09:00:00+08:00",
                }
            ],
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)


@router.get(
    "/v1/decisions",
    tags=["decisions"],
    response_model=DecisionList,
    responses=PROBLEM_RESPONSES,
    summary="A project's decisions, newest first (决策历史)",
)
def decision_history(
    request: Request,
    caller: ReaderDep,
    log: LogDep,
    project_id: Annotated[
        str,
        Query(
            min_length=1,
            max_length=SUBJECT_MAX,
            description="项目编号 — the subject: a project id, or an order or contract number",
            examples=["P2026-001"],
        ),
    ],
    since: Annotated[
        str | None,
        Query(
            description="only decisions from then on: YYYY-MM-DD (from 00:00 China Standard Time) or an ISO "
            "8601 date-time",
            examples=["2026-11-01"],
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many, newest first")] = 100,
) -> Response:
    """Every logged decision about the project (a grading, a batch holding it, a gate check, a reviewer
    selection of an order or contract with this number), newest first, each with its input, output and
    rule set."""
    refuse_unknown_query(request)  # `?sinc=` ignored would list every decision
    moment = parse_since(since)
    found = log.history(project_id, since=moment, limit=limit)
    body = DecisionList(project_id=project_id.strip(), since=moment, count=len(found), decisions=found)
    return json_response(body.model_dump(mode="json"))


@router.get(
    "/v1/decisions/{decision_id}",
    tags=["decisions"],
    response_model=Decision,
    responses=PROBLEM_RESPONSES,
    summary="One logged decision",
)
def decision(
    decision_id: Annotated[str, Path(description="a decision_id a decision route answered", examples=[EXAMPLE_ID])],
    caller: ReaderDep,
    log: LogDep,
) -> Response:
    found = log.get(decision_id)
    if found is None:
        raise Problem(
            404,
            "decision-not-found",
            "Decision not found",
            f"no decision {decision_id!r} in the log",
            [
                {
                    "field": "decision_id",
                    "value": decision_id,
                    "reason": "not_found",
                    "message": f"no decision {decision_id!r}",
                    "accepted": "a decision_id returned by a decision route",
                }
            ],
        )
    return json_response(found.model_dump(mode="json"))


@router.get(
    "/v1/keys",
    tags=["keys"],
    response_model=list[KeyOut],
    responses=answers([KEY_EXAMPLE]),
    summary="List API keys (never their secrets)",
)
def list_keys(service: ServiceDep, caller: AdminDep) -> Response:
    return json_response([k.public() for k in service.keys.list()])


@router.post(
    "/v1/keys",
    tags=["keys"],
    status_code=201,
    response_model=KeyCreated,
    responses=answers({**KEY_EXAMPLE, "key": "gg_k3x9_…"}, 201),
    summary="Create an API key (shown once)",
    openapi_extra=body_doc(KeyCreateIn, {"viewer": {"role": "viewer", "label": "dashboards"}}),
)
async def create_key(request: Request, service: ServiceDep, caller: AdminDep) -> Response:
    body = read_model(KeyCreateIn, await read_json_object(request))
    role, label = body.role, body.label
    try:
        record, secret = await run_in_threadpool(service.keys.create, role, label)
    except UnknownRole as exc:
        raise Problem(
            422,
            "invalid-input",
            "Invalid input",
            str(exc),
            [
                {
                    "field": "role",
                    "value": role,
                    "reason": "unknown_value",
                    "message": str(exc),
                    "accepted": ", ".join(ROLE_HELP),
                }
            ],
        ) from None
    response = json_response({**record.public(), "key": secret})
    response.status_code = 201
    return response


@router.delete(
    "/v1/keys/{key_id}",
    tags=["keys"],
    response_model=KeyRevoked,
    responses=answers({"id": "k3x9", "revoked": True}),
    summary="Revoke an API key",
)
def revoke_key(
    key_id: Annotated[str, Path(description="the key's id (the part after `gg_`)", examples=["k3x9"])],
    service: ServiceDep,
    caller: AdminDep,
) -> Response:
    if not service.keys.revoke(key_id):
        raise Problem(404, "key-not-found", "Key not found", f"no active key {key_id!r}")
    return json_response({"id": key_id, "revoked": True})
