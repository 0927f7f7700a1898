"""The FastAPI application: `create_app(settings)` builds it, the lifespan starts it.

    uvicorn --factory gradegate.service.app:create_app   # `gradegate serve` wraps it (cli/serve_cmd.py)

Each worker builds its own Service in the lifespan (database engine, rule sets,
durable_rules host) and polls the rule folder for changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError

from gradegate.service import (
    docs_pages,
    openapi_tables,
    page_gates,
    page_history,
    page_reviewers,
    problems,
    routes_admin,
    routes_bundles,
    routes_decide,
    routes_grade,
    routes_reports,
    routes_tables,  # decision tables (issue 9)
    web_form,
    web_tables,
)
from gradegate.service.auth import document_security
from gradegate.service.direct_routes import DirectRoutes
from gradegate.service.json_guard import StrictJson
from gradegate.service.limits import BodyLimit
from gradegate.service.openapi import finish
from gradegate.service.problems import Problem, problem_response
from gradegate.service.runtime import Service
from gradegate.service.settings import Settings
from gradegate.service.web_security import SecurityHeaders

log = logging.getLogger("gradegate.service")

# The routers whose decision routes are dispatched directly (direct_routes.py): one record each,
# the requests the form, the integrations and every gate check make.
DIRECT_ROUTERS = (routes_grade.router, routes_decide.router, routes_tables.router)

DESCRIPTION = """
gradegate decides, over HTTP: project grading (项目等级评定: 公司级 company / 办事处级 office),
gate readiness (决策点/评审点) and review-expert selection (评审专家).

Every route but `/healthz` needs an API key (`Authorization: Bearer gg_…` or `X-API-Key`),
whose role must fit the route. Every decision is logged, and its response carries
`decision_id` (read it back at `GET /v1/decisions/{decision_id}`). Errors are problem
details (RFC 9457, `application/problem+json`) naming the field, the value and what is accepted.
"""


def _poll_interval(settings: Settings) -> float:
    """Seconds between checks of the rules' source; 0: never (folder mode only: bundles are always watched)."""
    return settings.bundle_poll_s if settings.rules_source == "database" else settings.reload_poll_s


async def _poll_rules(service: Service) -> None:
    interval = _poll_interval(service.settings)
    while True:
        await asyncio.sleep(interval)
        try:
            await run_in_threadpool(service.rules.reload, only_if_changed=True)
        except Exception:  # the poller must outlive any surprise; the next poll tries again
            log.exception("rule folder poll failed")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    # Whatever starts the app (the CLI, `uvicorn --factory`, a test): unsafe settings never serve.
    # The key count is checked when the database is opened (Service.start). The address uvicorn
    # really binds may differ from GRADEGATE_HOST (`uvicorn --host 0.0.0.0`): with auth disabled,
    # every request is checked too (auth.authenticate).
    settings.check_safe()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = Service.start(settings)
        app.state.service = service
        poller = asyncio.create_task(_poll_rules(service)) if _poll_interval(settings) > 0 else None
        listener = None
        if settings.rules_source == "database" and service.bundles.is_postgres:
            from gradegate.service.bundle_listener import BundleListener

            reload = functools.partial(service.rules.reload, only_if_changed=True)
            listener = BundleListener(settings.db_url, service.bundles.channel, reload).start()
        try:
            yield
        finally:
            if listener is not None:
                listener.stop()
            if poller is not None:
                poller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poller
            service.stop()

    app = FastAPI(
        title="gradegate",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        # Operation ids are the route functions' names (`grade`, `gate_check`): what generated
        # clients call their methods.
        generate_unique_id_function=lambda route: route.name,
        docs_url=None,  # served offline by docs_pages: no CDN
        redoc_url=None,
        # No OpenTelemetry here: FastAPI's native telemetry would otherwise probe the global
        # providers on every request only to find them unconfigured (2 % of a grade's time).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.form_secret = (
        settings.form_secret.get_secret_value() if settings.form_secret else secrets.token_urlsafe(32)
    )
    problems.install(app)
    _openapi = app.openapi
    # The decision tables are files, described afresh each time (a reload may add one).
    app.openapi = lambda: openapi_tables.document_tables(app, document_security(finish(_openapi())))  # type: ignore[method-assign]

    @app.exception_handler(SQLAlchemyError)
    async def _database(request: Request, exc: SQLAlchemyError) -> Response:
        log.error("database error on %s: %s", request.url.path, exc)
        return problem_response(
            request,
            Problem(503, "database-unavailable", "Database unavailable", "the database did not answer; retry later"),
        )

    # Innermost: the decision routes found by path and called at once, every layer above still applied.
    app.add_middleware(DirectRoutes, fastapi=app, routers=DIRECT_ROUTERS)
    app.add_middleware(StrictJson)  # inside the body limit: never buffers more than it allows
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(problems.CatchAll)
    app.add_middleware(SecurityHeaders)  # added last: the outermost, so every answer carries the headers
    app.include_router(routes_admin.router)
    app.include_router(routes_grade.router)
    app.include_router(routes_decide.router)
    app.include_router(routes_tables.router)
    app.include_router(routes_reports.router)
    app.include_router(routes_bundles.router)
    docs_pages.install(app)
    if settings.form_enabled:
        app.include_router(web_form.router)
        app.include_router(page_gates.router)
        app.include_router(page_reviewers.router)
        app.include_router(page_history.router)
        app.include_router(web_tables.router)
    app.mount("/static", StaticFiles(packages=[("gradegate.service", "static")]), name="static")
    return app
