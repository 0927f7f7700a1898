"""Every route's real responses validate against the OpenAPI schema the service publishes.

The hot routes write their JSON by hand (orjson, serialized once), so FastAPI does not
check them against their response_model: this test does, on real answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema
import pytest

from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import CASES
from tests.test_auth_matrix import PROJECT, ROUTES, call

# One role allowed on each route (the auth matrix checks the others).
ROLE = {"grade": "submitter", "batch": "submitter", "gates": "system", "reviewers": "system", "rulesets": "viewer",
        "decision": "viewer", "decisions": "viewer", "reports": "viewer", "reload": "analyst", "bundles": "analyst",
        "keys-list": "admin", "keys-create": "admin", "keys-revoke": "admin", "decide": "submitter",
        "decide-batch": "system", "tables": "viewer"}  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = Settings(
        db_path=tmp_path_factory.mktemp("openapi") / "d.db", reload_poll_s=0, roster_path=CASES / "roster_public.csv"
    )
    with LiveServer(settings) as live:
        yield live


@pytest.fixture(scope="module")
def openapi(server: LiveServer) -> dict[str, Any]:
    return httpx.get(server.url + "/openapi.json").json()


def check(openapi: dict[str, Any], method: str, path: str, response: httpx.Response) -> None:
    """The response's body against the schema its status and media type declare (problems included)."""
    declared = openapi["paths"][path][method.lower()]["responses"]
    assert str(response.status_code) in declared, f"{method} {path}: {response.status_code} is not documented"
    media = response.headers["content-type"].split(";")[0]
    content = declared[str(response.status_code)].get("content", {})
    assert media in content, f"{method} {path}: {media} is not documented ({list(content)})"
    if media == "application/json":
        schema = {**content[media]["schema"], "components": openapi["components"]}
        jsonschema.Draft202012Validator(schema).validate(response.json())


def test_every_operation_is_exercised(openapi: dict[str, Any]) -> None:
    published = {(m.upper(), p) for p, ops in openapi["paths"].items() for m in ops}
    assert published == {(m, p) for _, m, p, _ in ROUTES} | {("GET", "/healthz")}


@pytest.mark.parametrize(("name", "method", "path", "allowed"), ROUTES, ids=[r[0] for r in ROUTES])
def test_success_matches_the_schema(server: LiveServer, openapi: dict[str, Any], name: str, method: str, path: str,
                                    allowed: set[str]) -> None:  # fmt: skip
    made = httpx.post(server.url + "/v1/grade", json=PROJECT, headers=auth(server.keys["submitter"]))
    response = call(server, name, method, path, auth(server.keys[ROLE[name]]), made.json()["decision_id"])
    assert response.status_code in (200, 201), response.text[:500]
    check(openapi, method, path, response)


def test_health_and_variants_match_the_schema(server: LiveServer, openapi: dict[str, Any]) -> None:
    check(openapi, "GET", "/healthz", httpx.get(server.url + "/healthz"))
    headers = auth(server.keys["submitter"])
    with_what_if = httpx.post(server.url + "/v1/grade?what_if=true", json=PROJECT, headers=headers)
    assert with_what_if.status_code == 200 and with_what_if.json()["what_if"]
    check(openapi, "POST", "/v1/grade", with_what_if)
    overridden = {**PROJECT, "level_override": {"level": "company", "approved_by": "王总", "reason": "战略客户"}}
    check(openapi, "POST", "/v1/grade", httpx.post(server.url + "/v1/grade", json=overridden, headers=headers))
    mixed = {"items": [PROJECT, {"project_id": "BAD"}]}
    check(openapi, "POST", "/v1/grade/batch", httpx.post(server.url + "/v1/grade/batch", json=mixed, headers=headers))
    refused = httpx.post(server.url + "/v1/grade", json={"project_id": "X"}, headers=headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
