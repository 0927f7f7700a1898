"""The route dependencies, as `Annotated` aliases: the rules a request uses, the log, the body."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request

from gradegate.scoring import RuleSets
from gradegate.scoring import errors as E
from gradegate.service.auth import DECIDE, GRADE, Caller, authenticate
from gradegate.service.decision_log import DecisionLog
from gradegate.service.problems import Problem
from gradegate.service.runtime import Service

# All `async def`: FastAPI would run plain `def` dependencies in its thread pool,
# a thread hop per dependency per request for work that takes microseconds.


async def get_service(request: Request) -> Service:
    return request.app.state.service


async def use_rules(request: Request) -> AsyncIterator[RuleSets]:
    # One generation for the whole request: a reload meanwhile cannot mix rule sets.
    with request.app.state.service.rules.use() as rulesets:
        yield rulesets


async def get_log(request: Request) -> DecisionLog:
    return request.app.state.service.log


@dataclass(frozen=True)
class DecisionContext:
    """What a decision route needs, resolved by one dependency: who asks, with which rules, where to log."""

    caller: Caller
    rules: RuleSets
    log: DecisionLog
    service: Service


def decision_context(roles: frozenset[str]) -> Callable[[Request], AsyncIterator[DecisionContext]]:
    # One dependency, not four: FastAPI's resolution costs tens of microseconds per
    # dependency, and these routes are the hot path.
    async def resolve(request: Request) -> AsyncIterator[DecisionContext]:
        caller = authenticate(request, roles)
        service: Service = request.app.state.service
        # One generation for the whole request: a reload meanwhile cannot mix rule sets.
        with service.rules.use() as rulesets:
            yield DecisionContext(caller, rulesets, service.log, service)

    return resolve


async def read_json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object, parsed once with orjson and handed to the core as is
    (the core validates every field itself; a pydantic pass first would only cost time)."""
    body = await request.body()
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise _body_problem(
            body[:200].decode("utf-8", "replace"), E.MALFORMED, f"the body is not JSON: {exc}"
        ) from None
    if not isinstance(data, dict):
        raise _body_problem(data, E.WRONG_TYPE, f"the body must be a JSON object, not {type(data).__name__}")
    return data


def _body_problem(value: Any, reason: str, message: str) -> Problem:
    issue = {"field": "body", "value": value, "reason": reason, "message": message, "accepted": "a JSON object"}
    return Problem(422, "invalid-request", "Invalid request", message, [issue])


ServiceDep = Annotated[Service, Depends(get_service)]
RulesDep = Annotated[RuleSets, Depends(use_rules)]
LogDep = Annotated[DecisionLog, Depends(get_log)]
GradeContext = Annotated[DecisionContext, Depends(decision_context(GRADE))]
DecideContext = Annotated[DecisionContext, Depends(decision_context(DECIDE))]
