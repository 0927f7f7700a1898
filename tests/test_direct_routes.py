"""Direct dispatch (service/direct_routes.py) answers exactly as FastAPI's own routing would.

Two real servers side by side: the app as shipped, and the same app with the direct layer
taken out, so FastAPI finds and calls every route. The same requests — the public cases
of every one-record decision route, and each way such a request can fail — must get the
same status, the same headers that matter and the same body (the decision id aside).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from gradegate.service.app import DIRECT_ROUTERS
from gradegate.service.direct_routes import DirectRoutes, is_direct
from gradegate.service.problems import Problem, install
from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import run_async

HEADERS = ("content-type", "x-content-type-options", "retry-after", "www-authenticate", "allow")


def test_the_one_record_decision_routes_are_dispatched_directly() -> None:
    direct = {(m, r.path) for router in DIRECT_ROUTERS for r in router.routes if is_direct(r) for m in r.methods}
    assert direct == {
        ("POST", "/v1/grade"),
        ("POST", "/v1/gates/check"),
        ("POST", "/v1/reviewers/select"),
        ("POST", "/v1/decide/{table}"),
    }


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, LiveServer]]:
    folder = tmp_path_factory.mktemp("direct")
    shipped = LiveServer(Settings(db_path=folder / "direct.db", reload_poll_s=0))
    routed = LiveServer(Settings(db_path=folder / "routed.db", reload_poll_s=0))
    # Built lazily on the first request: taken out before, FastAPI dispatches everything.
    routed.app.user_middleware = [m for m in routed.app.user_middleware if m.cls is not DirectRoutes]
    with shipped, routed:
        yield shipped, routed


def _requests(cases: Path) -> list[tuple[str, str, dict[str, Any] | bytes, str]]:
    """(method, path, body, role): the public cases of each direct route, then every kind of refusal."""
    with open(cases / "grading_public_input.csv", encoding="utf-8") as f:
        grading = [row for row in csv.DictReader(f)]
    jsonl = {
        name: [json.loads(line) for line in (cases / name).read_text(encoding="utf-8").splitlines() if line.strip()]
        for name in ("gates_public_input.jsonl", "reviewers_public_input.jsonl", "table_price_review_public.jsonl")
    }
    found: list[tuple[str, str, dict[str, Any] | bytes, str]] = [("POST", "/v1/grade", r, "system") for r in grading]
    found += [("POST", "/v1/gates/check", r, "system") for r in jsonl["gates_public_input.jsonl"]]
    found += [("POST", "/v1/reviewers/select", r, "system") for r in jsonl["reviewers_public_input.jsonl"]]
    found += [
        ("POST", "/v1/decide/price_review", case.get("input", case), "system")
        for case in jsonl["table_price_review_public.jsonl"]
    ]
    project = grading[0]
    found += [
        ("POST", "/v1/grade?what_if=true", project, "system"),
        ("POST", "/v1/grade?what_if=maybe", project, "system"),  # 422 on a query parameter
        ("POST", "/v1/grade?as_of=yesterday", project, "system"),  # 422 as_of
        ("POST", "/v1/grade", {**project, "level_overide": "company"}, "system"),  # unknown field
        ("POST", "/v1/grade", {**project, "amount_rmb": "-5"}, "system"),  # invalid value
        ("POST", "/v1/grade", b"[1, 2]", "system"),  # not an object
        ("POST", "/v1/grade", b'{"amount_rmb": NaN}', "system"),  # not strict JSON
        ("POST", "/v1/grade", project, "none"),  # 401
        ("POST", "/v1/gates/check", jsonl["gates_public_input.jsonl"][0], "viewer"),  # 403
        ("POST", "/v1/decide/price_reveiw", {"quote_id": "Q1", "quote_rmb": 1}, "system"),  # 404 unknown table
        ("GET", "/v1/grade", b"", "system"),  # 405
        ("PUT", "/v1/decide/price_review", {"quote_id": "Q1"}, "system"),  # 405 on a path with a parameter
    ]
    return found


def _answer(server: LiveServer, method: str, path: str, body: dict[str, Any] | bytes, role: str) -> tuple[Any, ...]:
    headers = {"content-type": "application/json", "accept-language": "zh"}
    if role != "none":
        headers.update(auth(server.keys[role]))
    content = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    response = httpx.request(method, server.url + path, content=content, headers=headers, timeout=30)
    shown = {name: response.headers.get(name) for name in HEADERS}
    text = response.text
    if role != "none":  # each server made its own keys: `gg_<id>_<secret>`
        text = text.replace(server.keys[role].split("_")[1], "<key id>")
    try:
        data = json.loads(text)
    except ValueError:
        data = text
    if isinstance(data, dict):
        data.pop("decision_id", None)
    return response.status_code, shown, data


def test_direct_dispatch_answers_as_fastapi_does(servers: tuple[LiveServer, LiveServer], cases_dir: Path) -> None:
    shipped, routed = servers
    requests = _requests(cases_dir)
    statuses = set()
    for method, path, body, role in requests:
        ours = _answer(shipped, method, path, body, role)
        theirs = _answer(routed, method, path, body, role)
        assert ours == theirs, (method, path, role)
        statuses.add(ours[0])
    # The comparison covered answers and refusals of every kind, not only successes.
    assert {200, 401, 403, 404, 405, 422} <= statuses


def test_an_exception_goes_to_the_apps_handlers_or_on_to_the_catch_all() -> None:
    """The layer alone, on a small app: path parameters, a handled Problem, an unhandled error, a passthrough."""
    router = APIRouter()

    @router.post("/items/{code}")
    async def item(code: str, request: Request) -> JSONResponse:
        if code == "bad":
            raise Problem(422, "invalid-request", "Invalid request", "bad code")
        if code == "boom":
            raise RuntimeError("unexpected")
        return JSONResponse({"code": code, "route": request.scope["route"].path, "params": request.path_params})

    @router.get("/count")
    async def count(n: int) -> JSONResponse:  # declares a query parameter: FastAPI's to dispatch
        return JSONResponse({"n": n})

    assert [is_direct(r) for r in router.routes] == [True, False]  # type: ignore[arg-type]
    app = FastAPI()
    install(app)
    app.include_router(router)
    app.add_middleware(DirectRoutes, fastapi=app, routers=[router])

    async def check() -> None:
        transport = httpx.ASGITransport(app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            ok = await client.post("/items/a%20b")
            assert ok.json() == {"code": "a b", "route": "/items/{code}", "params": {"code": "a b"}}
            bad = await client.post("/items/bad")
            assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
            assert bad.json()["detail"] == "bad code"
            assert (await client.post("/items/boom")).status_code == 500
            assert (await client.get("/count?n=3")).json() == {"n": 3}
            assert (await client.get("/count?n=x")).status_code == 422
            assert (await client.get("/items/a")).status_code == 405

    run_async(check())
