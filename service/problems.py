"""Every error the service answers with, in one shape: RFC 9457 problem details.

    {"type", "title", "status", "detail", "instance", "errors": [{field, value, reason, message, accepted}]}

Routes raise; the handlers registered here turn each error family into the
shape once. No traceback ever reaches a client: unexpected exceptions become a
500 problem (`CatchAll`) and are logged on the server.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gradegate.scoring import (
    FieldIssue,
    InputError,
    RuleDefinitionError,
    did_you_mean,
    field_label,
    hint,
    render,
    shown_zh,
)
from gradegate.scoring import errors as E
from gradegate.service.errors import ServiceError

log = logging.getLogger("gradegate.service")
MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:gradegate:problem:"


class Problem(ServiceError, StarletteHTTPException):
    """An HTTP error of the service's own: status, a stable slug, a sentence, field issues.

    Also an HTTPException, so FastAPI passes it through untouched even when it
    is raised while the body is read (the body-size limit).
    """

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        StarletteHTTPException.__init__(self, status, detail, headers)
        self.status, self.slug, self.title = status, slug, title
        self.errors = errors


def problem_response(request: Request | None, problem: Problem) -> Response:
    body: dict[str, Any] = {
        "type": TYPE_BASE + problem.slug,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.url.path if request is not None else None,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    try:
        content = orjson.dumps(body, default=str)
    except TypeError:  # an echoed value orjson cannot write: an integer past 64 bits, a lone surrogate
        content = orjson.dumps(_writable(body), default=str)
    return Response(content, status_code=problem.status, media_type=MEDIA_TYPE, headers=problem.headers)


def _writable(value: Any) -> Any:
    """`value` with what JSON output cannot carry made text: huge integers as digits, bad code points replaced."""
    if isinstance(value, dict):
        return {_writable(k): _writable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_writable(v) for v in value]
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        return str(value)
    return value


def request_language(request: Request | None) -> str:
    """`en` when the caller's Accept-Language puts English first; Chinese otherwise (people.md)."""
    header = request.headers.get("accept-language", "") if request is not None else ""
    first = header.split(",")[0].split(";")[0].strip().lower()
    return "en" if first == "en" or first.startswith("en-") else "zh"


def input_problem(exc: InputError, detail: str | None = None, lang: str = "zh") -> Problem:
    shown = "; ".join(i.in_language(lang) for i in exc.issues)
    return Problem(
        422,
        "invalid-input",
        "Invalid input",
        detail or render("problem.invalid_input", lang, count=len(exc.issues), issues=shown),
        [issue.to_dict(lang) for issue in exc.issues],
    )


def rules_problem(exc: RuleDefinitionError) -> Problem:
    return Problem(
        422,
        "invalid-rules",
        "Rule files failed validation",
        f"{len(exc.issues)} issue(s) in the rule files; the rules in service are unchanged",
        [
            {
                "field": f"{i.file}:{i.line}" if i.line else i.file,
                "value": i.where or None,
                "reason": i.reason,
                "message": str(i),
                "accepted": "a rule file that passes `gradegate rules check`",
            }
            for i in exc.issues
        ],
    )


# pydantic's error types as the core's reason codes (scoring/errors.py), and the catalogue's
# Chinese wording where pydantic has only English: what a declared parameter (`?limit=`,
# `?format=`) or a pydantic-validated body gets wrong reads as the core's own errors do.
_PYDANTIC_REASONS = {
    "missing": (E.MISSING, "problem.missing"),
    "json_invalid": (E.MALFORMED, None),
    "extra_forbidden": (E.UNKNOWN_FIELD, None),
    "literal_error": (E.UNKNOWN_VALUE, "problem.not_one_of"),
    "enum": (E.UNKNOWN_VALUE, "problem.not_one_of"),
    "greater_than": (E.OUT_OF_RANGE, "problem.out_of_range"),
    "greater_than_equal": (E.OUT_OF_RANGE, "problem.out_of_range"),
    "less_than": (E.OUT_OF_RANGE, "problem.out_of_range"),
    "less_than_equal": (E.OUT_OF_RANGE, "problem.out_of_range"),
    "int_parsing": (E.NOT_AN_INTEGER, "problem.not_an_integer"),
    "int_from_float": (E.NOT_AN_INTEGER, "problem.not_an_integer"),
    "string_too_long": (E.TOO_LONG, "problem.too_long"),
}
_BOUNDS = (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<"))
_ACCEPTED = {"int_parsing": "a whole number", "int_from_float": "a whole number"}


def _accepted(kind: str, ctx: dict[str, Any]) -> str | None:
    """What is accepted, from pydantic's context: the choices, or the bound that was crossed."""
    if "expected" in ctx:
        return str(ctx["expected"])
    bounds = [f"{sign} {ctx[name]}" for name, sign in _BOUNDS if name in ctx]
    if bounds:
        return ", ".join(bounds)
    if "max_length" in ctx:
        return f"at most {ctx['max_length']} characters"
    return _ACCEPTED.get(kind)


def _validation_issue(err: dict[str, Any], request: Request, lang: str) -> dict[str, Any]:
    """A FastAPI/pydantic validation error as a field issue: `items.3`, `format`; the body itself is `body`."""
    loc = [str(p) for p in err.get("loc", ())]
    if loc and loc[0] in ("body", "query", "path", "header", "cookie"):
        loc = loc[1:]
    field = ".".join(loc) or "body"
    kind = err.get("type", "invalid")
    reason, key = _PYDANTIC_REASONS.get(kind, (E.WRONG_TYPE, None))
    given = err.get("ctx")
    ctx: dict[str, Any] = given if isinstance(given, dict) else {}
    accepted = _accepted(kind, ctx)
    detail = err.get("msg", "invalid")  # pydantic's words: English only
    context = {"field": field, "label": field_label(field), "detail": detail, "shown": shown_zh(err.get("input"))}
    zh, en = render("problem.field", "zh", **context), render("problem.field", "en", **context)
    if key is not None and (accepted or key not in ("problem.not_one_of", "problem.out_of_range")):
        listed = (accepted or "").replace(" or ", "、")
        zh = render(key, "zh", **context, **ctx, accepted=listed)
    if reason == E.UNKNOWN_FIELD:
        known = err.get("known_fields") or _body_fields(request)
        hint_en = did_you_mean(field, known)
        close = hint_en.partition("'")[2].rpartition("'")[0] or None
        zh = render("unknown_field", "zh", field=field, hint_zh=hint(close)[0], accepted=", ".join(known))
        en = f"unknown field {field!r}{hint_en}"
        accepted = ", ".join(known) or None
    found = FieldIssue(field, err.get("input"), reason, zh, accepted, en)
    return found.to_dict(lang)


def _body_fields(request: Request) -> list[str]:
    """The fields of the route's body model: what an unknown field is compared with."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    for param in getattr(dependant, "body_params", ()):
        model = getattr(param.field_info, "annotation", None)
        if isinstance(model, type) and issubclass(model, BaseModel):
            return list(model.model_fields)
    return []


_STATUS_SLUG = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "API key required"),
    403: ("forbidden", "Role not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("too-large", "Request too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
}


def install(app: FastAPI) -> None:
    """Register one handler per error family."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return problem_response(request, exc)

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> Response:
        return problem_response(request, input_problem(exc, lang=request_language(request)))

    @app.exception_handler(RuleDefinitionError)
    async def _rules(request: Request, exc: RuleDefinitionError) -> Response:
        return problem_response(request, rules_problem(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        lang = request_language(request)
        issues = [_validation_issue(e, request, lang) for e in exc.errors()]
        detail = render("problem.invalid_request", lang, issues="; ".join(i["message"] for i in issues))
        return problem_response(request, Problem(422, "invalid-request", "Invalid request", detail, issues))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        slug, title = _STATUS_SLUG.get(exc.status_code, ("http-error", "HTTP error"))
        detail = exc.detail if isinstance(exc.detail, str) else title
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no route {request.url.path}; see /docs for the API"
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
        headers = dict(exc.headers or {})
        return problem_response(request, Problem(exc.status_code, slug, title, detail, headers=headers or None))


class CatchAll:
    """The last line: an exception no handler claimed becomes a 500 problem, logged here.

    Answered here rather than by Starlette's ServerErrorMiddleware, which re-raises
    and makes uvicorn drop the connection: a client's next request on it would fail.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            problem = Problem(500, "internal", "Internal error", "the service failed to answer; the error was logged")
            await problem_response(Request(scope), problem)(scope, receive, send)
