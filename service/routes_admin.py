"""Reading and running the service: health, rule sets, reload, decisions, API keys."""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from gradegate.service.auth import AdminDep, ReaderDep, ReloaderDep
from gradegate.service.decision_log import Decision
from gradegate.service.deps import LogDep, ServiceDep, json_body_doc, read_json_object, read_model
from gradegate.service.errors import UnknownRole
from gradegate.service.keys import ROLE_HELP
from gradegate.service.problems import Problem, rules_problem
from gradegate.service.routes_grade import json_response
from gradegate.service.schemas import HealthOut, KeyCreated, KeyOut, KeyRevoked, RulesetsOut

router = APIRouter()
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


@router.get("/v1/rulesets", tags=["rules"], response_model=RulesetsOut, summary="The rule sets in service")
def rulesets(service: ServiceDep, caller: ReaderDep) -> Response:
    """Name, version, content hash and load time of every rule set this worker serves, and the last
    reload it refused (a broken rule file), if any."""
    return json_response(rulesets_view(service))


@router.post("/v1/rules/reload", tags=["rules"], response_model=RulesetsOut, summary="Reload the rule files")
async def reload_rules(service: ServiceDep, caller: ReloaderDep) -> Response:
    """Validate the rule folder and swap it in whole. A folder that fails validation is refused with
    its issues (file:line) as a 422 problem, and the previous rules keep serving. Other workers
    pick the change up from the files within GRADEGATE_RELOAD_POLL_S seconds."""
    outcome = await run_in_threadpool(service.rules.reload)
    if outcome.error is not None:
        raise rules_problem(outcome.error)
    return json_response(rulesets_view(service))


@router.get("/v1/decisions/{decision_id}", tags=["decisions"], response_model=Decision, summary="One logged decision")
def decision(decision_id: str, caller: ReaderDep, log: LogDep) -> Response:
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


@router.get("/v1/keys", tags=["keys"], response_model=list[KeyOut], summary="List API keys (never their secrets)")
def list_keys(service: ServiceDep, caller: AdminDep) -> Response:
    return json_response([k.public() for k in service.keys.list()])


class KeyIn(BaseModel):
    """A key to create; an unknown field is refused by name."""

    model_config = ConfigDict(extra="forbid")
    role: str = Field(description=f"one of {', '.join(ROLE_HELP)}")
    label: str | None = Field(default=None, max_length=200)


@router.post(
    "/v1/keys",
    tags=["keys"],
    status_code=201,
    response_model=KeyCreated,
    summary="Create an API key (shown once)",
    openapi_extra=json_body_doc(KeyIn, {"viewer": {"role": "viewer", "label": "dashboards"}}),
)
async def create_key(request: Request, service: ServiceDep, caller: AdminDep) -> Response:
    body = read_model(KeyIn, await read_json_object(request))
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


@router.delete("/v1/keys/{key_id}", tags=["keys"], response_model=KeyRevoked, summary="Revoke an API key")
def revoke_key(key_id: str, service: ServiceDep, caller: AdminDep) -> Response:
    if not service.keys.revoke(key_id):
        raise Problem(404, "key-not-found", "Key not found", f"no active key {key_id!r}")
    return json_response({"id": key_id, "revoked": True})
