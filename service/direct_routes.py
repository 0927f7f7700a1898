"""Direct dispatch of the decision routes: found by path, called at once.

A route whose endpoint reads its request itself — it takes the `Request` and at most
text path parameters, and declares no dependency and no query, header, cookie or body
parameter — needs nothing of FastAPI per request but being found. Yet FastAPI's path
to it (matching through every included router, solving an empty dependency list, an
exit stack, its exception middleware) cost about as much as the grading: dispatched
here, `POST /v1/grade` went from 2,110–2,190 to 2,850–3,120 requests/s at 32
connections, side by side on one machine (docs/benchmarks.md).

The routes stay declared in FastAPI, which still builds the OpenAPI document from them
and serves any request this layer does not claim. It sits innermost among the app's own
middlewares, so body limits, strict JSON, security headers and the catch-all apply as
before, and an exception goes to the app's exception handlers as under FastAPI: one
problem+json format whichever way a request was dispatched.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute, APIRouter
from starlette.types import ASGIApp, Receive, Scope, Send


def is_direct(route: APIRoute) -> bool:
    """Whether the endpoint reads its request itself: `Request` plus text path parameters, nothing declared."""
    dependant = route.dependant
    declared = (
        dependant.dependencies,
        dependant.query_params,
        dependant.header_params,
        dependant.cookie_params,
        dependant.body_params,
    )
    texts = all(param.field_info.annotation is str for param in dependant.path_params)
    return dependant.request_param_name is not None and texts and not any(declared)


class _Direct:
    __slots__ = ("convertors", "methods", "regex", "request_name", "route")

    def __init__(self, route: APIRoute):
        self.route = route
        self.regex: re.Pattern[str] = route.path_regex
        self.methods = frozenset(route.methods or ())
        self.convertors = route.param_convertors
        self.request_name = route.dependant.request_param_name or "request"


class DirectRoutes:
    """Pure ASGI: the direct routes of `routers` dispatched here, every other request passed on."""

    def __init__(self, app: ASGIApp, *, fastapi: FastAPI, routers: Iterable[APIRouter]):
        self.app = app
        self.fastapi = fastapi
        routes = [r for router in routers for r in router.routes if isinstance(r, APIRoute)]
        self.routes = [_Direct(r) for r in routes if is_direct(r)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = _route_path(scope)
            for direct in self.routes:
                found = direct.regex.match(path)
                if found is not None and scope["method"] in direct.methods:
                    await self._dispatch(direct, found.groupdict(), scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _dispatch(
        self, direct: _Direct, raw: Mapping[str, str], scope: Scope, receive: Receive, send: Send
    ) -> None:
        params = {name: direct.convertors[name].convert(value) for name, value in raw.items()}
        route = direct.route
        # What FastAPI's router would have put in the scope: handlers read the route (problems.py).
        scope["route"], scope["endpoint"], scope["path_params"] = route, route.endpoint, params
        request = Request(scope, receive, send)
        try:
            response = await route.endpoint(**{direct.request_name: request}, **params)
        except Exception as exc:
            handler = self._handler(exc)
            if handler is None:
                raise  # the catch-all answers (problems.CatchAll)
            response = handler(request, exc)
            if inspect.isawaitable(response):
                response = await response
        await response(scope, receive, send)

    def _handler(self, exc: Exception) -> Callable[[Request, Exception], Any] | None:
        """The app's handler for `exc`, most specific class first (as Starlette chooses)."""
        handlers = self.fastapi.exception_handlers
        for cls in type(exc).__mro__:
            if cls in handlers:
                return handlers[cls]
        return None


def _route_path(scope: Scope) -> str:
    """The path routes are matched against: the request path without the app's root path (as Starlette)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path
