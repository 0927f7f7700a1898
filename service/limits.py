"""The request body limit, enforced before any route reads the body.

Checked on the declared Content-Length and again while the body streams in
(a chunked upload declares none), so a client can never make the service
buffer more than `max_body_bytes`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gradegate.service.problems import Problem, problem_response


def too_large(limit: int, given: int | None) -> Problem:
    size = f"{given} bytes" if given is not None else f"more than {limit} bytes"
    return Problem(
        413,
        "too-large",
        "Request too large",
        f"the request body is {size}; at most {limit} bytes are accepted (GRADEGATE_MAX_BODY_BYTES)",
        [
            {
                "field": "body",
                "value": given,
                "reason": "too_large",
                "message": f"the body is {size}; at most {limit} bytes",
                "accepted": f"at most {limit} bytes",
            }
        ],
        headers={"Connection": "close"},
    )


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            response = problem_response(Request(scope), too_large(self.max_bytes, int(declared)))
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Raised inside the route's body read; the Problem handler answers 413.
                    raise too_large(self.max_bytes, None)
            return message

        await self.app(scope, limited_receive, send)
