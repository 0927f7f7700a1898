"""Every JSON body checked once, strictly, before any route sees it — routes added later included.

Python's json module (which FastAPI uses for body models) accepts what JSON does not:
`NaN`, `Infinity`, `1e309` (→ inf), lone surrogates, and recursion deep enough to crash it.
orjson refuses all of these; a body it refuses gets a 422 problem here. Also refused:
`\\u0000` in a string (PostgreSQL's JSONB cannot store it, and no field needs it), and a
compressed body (`Content-Encoding: gzip` …: 415 — never inflated, so never a zip bomb).
Duplicate keys: the last one wins (RFC 8259 leaves it open; every parser here does so), and
the decision log records the object as used.
"""

from __future__ import annotations

import orjson
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gradegate.scoring import errors as E
from gradegate.service.problems import Problem, problem_response

_WITH_BODY = {"POST", "PUT", "PATCH"}
# Where the body, once parsed here, waits for the route (deps.read_json_object): parsed once per request.
PARSED = "gradegate.json_body"


def is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def check_json(body: bytes) -> object:
    """The parsed body; a 422 Problem when it is not strict JSON."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise body_problem(body[:200].decode("utf-8", "replace"), E.MALFORMED, f"the body is not JSON: {exc}") from None
    if b"\\u0000" in body:
        raise body_problem(None, E.MALFORMED, "the body holds a NUL character (\\u0000); no field accepts it")
    return data


def body_problem(value: object, reason: str, message: str, accepted: str = "a JSON object") -> Problem:
    issue = {"field": "body", "value": value, "reason": reason, "message": message, "accepted": accepted}
    return Problem(422, "invalid-request", "Invalid request", message, [issue])


class StrictJson:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WITH_BODY:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        encoding = headers.get(b"content-encoding", b"identity").decode("latin-1").strip().lower()
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        try:
            if encoding not in ("", "identity"):
                raise Problem(
                    415,
                    "unsupported-media-type",
                    "Unsupported media type",
                    f"Content-Encoding {encoding!r} is not accepted; send the body uncompressed",
                )
            if content_type and not is_json(content_type):
                await self.app(scope, receive, send)  # a form or an upload: its route reads it
                return
            body, more, messages = b"", True, []
            while more:
                message = await receive()
                messages.append(message)
                if message["type"] != "http.request":
                    break
                body += message.get("body", b"")
                more = message.get("more_body", False)
            if body:
                scope[PARSED] = (check_json(body),)
        except Problem as problem:  # raised here, outside the app's handlers: answered here
            await problem_response(Request(scope), problem)(scope, receive, send)
            return
        replay = iter(messages)

        async def replayed() -> Message:
            return next(replay, None) or await receive()

        await self.app(scope, replayed, send)
