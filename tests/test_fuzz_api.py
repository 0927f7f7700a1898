"""Fuzzing the API: schemathesis over /openapi.json (every route, bounded examples) and hand-made
hostile bodies. Zero 500s, every error application/problem+json, every answer valid against its schema."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.test_auth_matrix import PROJECT

EXAMPLES = 40  # per route and key: the whole module stays well under a minute


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = Settings(
        db_path=tmp_path_factory.mktemp("fuzz") / "d.db",
        reload_poll_s=0,
        max_batch_items=10_000,
        max_body_bytes=16 << 20,
    )
    with LiveServer(settings) as live:
        yield live


def problem_check(response: httpx.Response | schemathesis.Response) -> None:
    assert response.status_code < 500, response.text[:300]
    if response.status_code >= 400:
        content_type = response.headers["content-type"]
        content_type = content_type[0] if isinstance(content_type, list) else content_type  # schemathesis: a list
        assert content_type == "application/problem+json", (response.status_code, response.text)
        body = response.json()
        assert body["status"] == response.status_code and body["detail"]
        assert "Traceback" not in response.text


def operations(server: LiveServer) -> list[schemathesis.APIOperation]:
    raw = httpx.get(server.url + "/openapi.json").json()
    schema = schemathesis.openapi.from_dict(raw)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("role", ["system", "admin"])
def test_schemathesis_every_route(server: LiveServer, role: str) -> None:
    ops = operations(server)
    assert len(ops) >= 10, [f"{o.method} {o.path}" for o in ops]
    seen: dict[str, set[int]] = {}
    for op in ops:
        name = f"{op.method.upper()} {op.path}"

        @given(case=op.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        def run(case: schemathesis.Case) -> None:
            response = case.call(base_url=server.url, headers=auth(server.keys[role]), timeout=60)
            case.validate_response(response, checks=[checks.not_a_server_error, checks.response_schema_conformance])
            problem_check(response)
            seen.setdefault(case.operation.method.upper() + " " + case.operation.path, set()).add(response.status_code)

        run()
        assert name in seen
    assert len(seen) == len(ops)
    # The key's own routes were really exercised, not only refused.
    own = "POST /v1/grade" if role == "system" else "GET /v1/keys"
    assert seen[own] & {200, 201, 422}, seen


HOSTILE = {
    "deep nesting": b'{"project_id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "1e309": json.dumps({**PROJECT, "amount_rmb": 0}).replace('"amount_rmb": 0', '"amount_rmb": 1e309').encode(),
    "NaN literal": json.dumps({**PROJECT, "amount_rmb": 0}).replace('"amount_rmb": 0', '"amount_rmb": NaN').encode(),
    "Infinity literal": json.dumps({**PROJECT, "amount_rmb": 0}).replace("0", "-Infinity", 1).encode(),
    "NUL": json.dumps({**PROJECT, "project_id": "P\u0000"}).encode(),
    "lone surrogate": json.dumps({**PROJECT, "project_name": "\ud800"}).encode(),
    "huge integer": json.dumps({**PROJECT, "amount_rmb": 10**40}).encode(),
}
ROUTES = ["/v1/grade", "/v1/grade/batch", "/v1/gates/check", "/v1/reviewers/select", "/v1/keys"]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_bodies_get_a_clear_4xx_on_every_json_route(server: LiveServer, name: str) -> None:
    body = HOSTILE[name]
    with httpx.Client(base_url=server.url, timeout=60) as c:
        for route in ROUTES:
            key = server.keys["admin" if route == "/v1/keys" else "system"]
            wrapped = b'{"items": [' + body + b"]}" if route.endswith("batch") else body
            response = c.post(route, content=wrapped, headers={**auth(key), "content-type": "application/json"})
            problem_check(response)
            if name == "huge integer" and route.endswith("batch"):
                assert response.status_code == 200  # a number too large for an amount: the item's error
                assert response.json()["results"][0]["errors"][0]["field"] == "amount_rmb"
            else:
                assert response.status_code == 422, (route, response.text[:300])


def test_duplicate_keys_the_last_wins_and_is_what_gets_logged(server: LiveServer) -> None:
    body = json.dumps(PROJECT)[:-1] + ', "project_id": "DUP-LAST"}'
    with httpx.Client(base_url=server.url, headers=auth(server.keys["system"]), timeout=30) as c:
        graded = c.post("/v1/grade", content=body, headers={"content-type": "application/json"})
        assert graded.status_code == 200 and graded.json()["project_id"] == "DUP-LAST"
        logged = c.get(f"/v1/decisions/{graded.json()['decision_id']}", headers=auth(server.keys["viewer"]))
    assert logged.json()["input"]["project_id"] == "DUP-LAST"


def test_wrong_content_types_and_compressed_bodies(server: LiveServer) -> None:
    raw = json.dumps(PROJECT).encode()
    with httpx.Client(base_url=server.url, headers=auth(server.keys["system"]), timeout=30) as c:
        for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
            for route in ("/v1/grade", "/v1/gates/check", "/v1/grade/batch"):
                response = c.post(route, content=raw, headers={"content-type": content_type})
                problem_check(response)
                assert response.status_code in (415, 422), (route, content_type, response.status_code)
        zipped = c.post(
            "/v1/grade",
            content=gzip.compress(raw),
            headers={"content-type": "application/json", "content-encoding": "gzip"},
        )
        problem_check(zipped)
        assert zipped.status_code == 415 and "uncompressed" in zipped.json()["detail"]
        assert c.post("/v1/grade", content=raw).status_code == 200  # no content type: read as JSON


def test_a_batch_of_10000_items(server: LiveServer) -> None:
    items = [{**PROJECT, "project_id": f"B{i}"} for i in range(10_000)]
    items[5] = {**items[5], "amount_rmb": -1}
    with httpx.Client(base_url=server.url, headers=auth(server.keys["system"]), timeout=300) as c:
        response = c.post("/v1/grade/batch", json={"items": items})
    problem_check(response)
    body = response.json()
    assert response.status_code == 200 and body["graded"] == 9_999 and body["failed"] == 1
