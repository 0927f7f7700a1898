"""The published rule bundles for analysts (viewer / analyst keys): what is effective now, when
the next takes effect, and what changed from each bundle to the one before it.

`GET /v1/rules/bundles` answers JSON; `GET /rules/bundles` the same as a page (server-rendered,
no script, no inline style: the stylesheet is /static/bundles.css).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from gradegate.reports.templating import environment
from gradegate.scoring import diff_files, today_cst
from gradegate.scoring.messages import render
from gradegate.service.auth import ReaderDep
from gradegate.service.bundles import BundleStore
from gradegate.service.deps import ServiceDep
from gradegate.service.openapi import PROBLEM_RESPONSES
from gradegate.service.routes_grade import json_response
from gradegate.service.schemas_admin import BundlesOut

router = APIRouter(tags=["rules"], responses=PROBLEM_RESPONSES)  # the page is not in the schema
SHOWN = 50  # the newest bundles listed (each diffed against the one before it)


def bundles_view(store: BundleStore) -> dict[str, Any]:
    today = today_cst()
    history = store.history()  # newest effective first
    now = store.effective_on(today)
    upcoming = [b for b in history if b.effective_from > today]
    shown = history[: SHOWN + 1]
    files = {b.hash: store.load(b.hash).files for b in shown}
    listed = []
    for i, bundle in enumerate(shown[:SHOWN]):
        before = shown[i + 1] if i + 1 < len(shown) else None
        if now is not None and bundle.hash == now.hash:
            state = "serving"
        elif bundle.effective_from > today:
            state = "scheduled"
        else:
            state = "superseded"
        changes = diff_files(files[before.hash], files[bundle.hash]) if before else [render("diff.first_bundle", "zh")]
        listed.append(
            {
                **bundle.public(),
                "short_hash": bundle.short_hash,
                "state": state,
                "previous": before.hash if before else None,
                "changes": changes,
            }
        )
    return {
        "today": today.isoformat(),
        "effective_now": now.public() if now else None,
        "next": upcoming[-1].public() if upcoming else None,
        "total": len(history),
        "bundles": listed,
    }


@router.get(
    "/v1/rules/bundles", response_model=BundlesOut, summary="Published rule bundles: effective now, next, changes"
)
async def list_bundles(service: ServiceDep, caller: ReaderDep) -> Response:
    """Every published bundle (the newest 50): effective from, versions, who published it and when, its
    state (serving, scheduled, superseded), and in words what changed from the bundle before it."""
    return json_response(await run_in_threadpool(bundles_view, service.bundles))


@router.get("/rules/bundles", response_class=HTMLResponse, include_in_schema=False)
async def bundles_page(service: ServiceDep, caller: ReaderDep) -> HTMLResponse:
    view = await run_in_threadpool(bundles_view, service.bundles)
    return HTMLResponse(environment().get_template("bundles.html").render(view=view))
