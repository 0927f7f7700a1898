"""The route dependencies, as `Annotated` aliases: the rules a request uses, the log, the body."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from gradegate.scoring import InputError, RuleSets, parse_day
from gradegate.scoring import errors as E
from gradegate.scoring.values import Issues
from gradegate.service.auth import DECIDE, GRADE, Caller, authenticate
from gradegate.service.bundle_source import NoBundle
from gradegate.service.decision_log import DecisionLog
from gradegate.service.json_guard import PARSED, body_problem, check_json, is_json
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


AS_OF_PARAMETER = {
    "name": "as_of",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "format": "date"},
    "description": "decide under the rule bundle effective that day (YYYY-MM-DD, China Standard Time); "
    "default: the rules in service now",
}


def _as_of_problem(value: str, reason: str, message: str, accepted: str) -> Problem:
    issue = {"field": "as_of", "value": value, "reason": reason, "message": message, "accepted": accepted}
    return Problem(422, "invalid-as-of", "No rules for as_of", message, [issue])


def query_value(request: Request, name: str) -> str | None:
    """A query parameter read by hand on the decision routes; most requests carry none, and parsing
    an empty query string cost as much as the lookup (Starlette builds a multi-dict either way)."""
    if not request.scope.get("query_string"):
        return None
    return request.query_params.get(name)


# The query parameters every decision route reads; a route may read more (`what_if` on /v1/grade).
DECISION_QUERY = ("as_of",)


def refuse_unknown_query(request: Request, allowed: tuple[str, ...] | None = None) -> None:
    """A query parameter the route does not read is an error naming it (with "did you mean"), never
    ignored: `?asof=2026-01-01` decided under today's rules would pass for an answer as of that day.

    `allowed`: for a route that reads its query by hand; by default, those its signature declares."""
    if not request.scope.get("query_string"):
        return
    issues = Issues()
    issues.unknown_fields(dict(request.query_params), declared_query(request) if allowed is None else allowed)
    if issues:
        raise InputError(issues)


def declared_query(request: Request) -> tuple[str, ...]:
    """The query parameters the FastAPI route of the request declares, its dependencies' included."""

    def names(dependant: Dependant) -> list[str]:
        return [p.alias for p in dependant.query_params] + [n for d in dependant.dependencies for n in names(d)]

    dependant = getattr(request.scope.get("route"), "dependant", None)
    return tuple(names(dependant)) if dependant is not None else ()


@contextmanager
def rules_for(request: Request, service: Service, query: tuple[str, ...] = ()) -> Iterator[RuleSets]:
    """The rules a decision request uses: those in service, or with `?as_of=DAY` the bundle effective that day.

    One generation for the whole request: a reload meanwhile cannot mix rule sets. `query`: the
    route's own query parameters besides `as_of`; any other is refused.
    """
    refuse_unknown_query(request, (*DECISION_QUERY, *query))
    as_of = query_value(request, "as_of")
    if as_of is None:
        with service.rules.use() as rulesets:
            yield rulesets
        return
    try:
        day = parse_day(as_of, "as_of")
    except ValueError as exc:
        raise _as_of_problem(as_of, E.WRONG_TYPE, str(exc), "a date YYYY-MM-DD") from None
    try:
        held = service.as_of.use(day)
        rulesets = held.__enter__()
    except NoBundle as exc:
        accepted = f"a day on or after {exc.first}" if exc.first else "none: publish a rule bundle first"
        raise _as_of_problem(as_of, E.OUT_OF_RANGE, f"as_of {day}: {exc}", accepted) from None
    try:
        yield rulesets
    finally:
        held.__exit__(None, None, None)


async def get_log(request: Request) -> DecisionLog:
    return request.app.state.service.log


@dataclass(frozen=True)
class DecisionContext:
    """What a decision route needs, resolved by one dependency: who asks, with which rules, where to log."""

    caller: Caller
    rules: RuleSets
    log: DecisionLog
    service: Service


@asynccontextmanager
async def decision(
    request: Request, roles: frozenset[str], query: tuple[str, ...] = ()
) -> AsyncIterator[DecisionContext]:
    """Who asks (401/403 otherwise), with which rules (held for the whole request), and where to log.
    `query`: the route's own query parameters besides `as_of` (any other is refused).

    Entered by the decision routes themselves rather than declared as a dependency: a route
    with no dependency is dispatched directly (direct_routes.py), skipping FastAPI's resolution.
    """
    caller = await authenticate(request, roles)
    service: Service = request.app.state.service
    with rules_for(request, service, query) as rulesets:
        yield DecisionContext(caller, rulesets, service.log, service)


def decision_context(roles: frozenset[str]) -> Callable[[Request], AsyncIterator[DecisionContext]]:
    """`decision` as one dependency, for the routes FastAPI dispatches (batches: their cost is elsewhere)."""

    async def resolve(request: Request) -> AsyncIterator[DecisionContext]:
        async with decision(request, roles) as context:
            yield context

    return resolve


async def read_json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object, parsed once with orjson and handed to the core as is
    (the core validates every field itself; a pydantic pass first would only cost time)."""
    content_type = request.headers.get("content-type")
    if content_type and not is_json(content_type):
        raise Problem(
            415,
            "unsupported-media-type",
            "Unsupported media type",
            f"the body must be JSON (Content-Type: application/json), not {content_type!r}",
        )
    parsed = request.scope.get(PARSED)  # checked and parsed already by StrictJson
    data = parsed[0] if parsed else check_json(await request.body())
    if not isinstance(data, dict):
        raise body_problem(data, E.WRONG_TYPE, f"the body must be a JSON object, not {type(data).__name__}")
    return data


M = TypeVar("M", bound=BaseModel)


def read_model(model: type[M], data: dict[str, Any]) -> M:
    """A body read by `read_json_object`, validated by `model`: errors as FastAPI's own (422, by field)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # `known_fields`: what an unknown field is compared with for "did you mean" (problems.py).
        known = list(model.model_fields)
        errors = [{**e, "loc": ("body", *e["loc"]), "known_fields": known} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


ServiceDep = Annotated[Service, Depends(get_service)]
RulesDep = Annotated[RuleSets, Depends(use_rules)]
LogDep = Annotated[DecisionLog, Depends(get_log)]
GradeContext = Annotated[DecisionContext, Depends(decision_context(GRADE))]
DecideContext = Annotated[DecisionContext, Depends(decision_context(DECIDE))]
