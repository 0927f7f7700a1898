"""Every role against every route: allowed → success, other roles → 403, no or bad key → 401."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gradegate.service.keys import ROLES
from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import CASES, DATA

PROJECT = {
    "project_id": "AUTH-1",
    "amount_rmb": 3000000,
    "strategic_status": "core",
    "network_position": "new_entry",
    "tech_maturity": "mature",
    "risk": {"scope": "low", "legal": "low", "cost": "low", "contract_terms": "low", "supplier": "low"},
    "external_service_amount_rmb": 0,
    "expedite": "none",
    "product_line_count": 1,
}
GATE = json.loads((CASES / "gates_public_input.jsonl").read_text(encoding="utf-8").splitlines()[0])
REVIEW = json.loads((CASES / "reviewers_public_input.jsonl").read_text(encoding="utf-8").splitlines()[0])

# The contract of the README's "Auth roles" table, written out here on purpose
# (not imported from service.auth): a change of permissions must change this test.
GRADE, DECIDE, READ = {"submitter", "system"}, {"system"}, {"viewer", "analyst"}
ROUTES = [
    ("grade", "POST", "/v1/grade", GRADE),
    ("batch", "POST", "/v1/grade/batch", GRADE),
    ("gates", "POST", "/v1/gates/check", DECIDE),
    ("reviewers", "POST", "/v1/reviewers/select", DECIDE),
    ("rulesets", "GET", "/v1/rulesets", READ),
    ("decision", "GET", "/v1/decisions/{decision_id}", READ),
    ("decisions", "GET", "/v1/decisions", READ),
    ("reports", "POST", "/v1/reports", READ),
    ("decide", "POST", "/v1/decide/{table}", GRADE),
    ("decide-batch", "POST", "/v1/decide/{table}/batch", GRADE),
    ("tables", "GET", "/v1/tables", READ),
    ("reload", "POST", "/v1/rules/reload", {"analyst"}),
    ("bundles", "GET", "/v1/rules/bundles", READ),
    ("keys-list", "GET", "/v1/keys", {"admin"}),
    ("keys-create", "POST", "/v1/keys", {"admin"}),
    ("keys-revoke", "DELETE", "/v1/keys/{key_id}", {"admin"}),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = Settings(
        db_path=tmp_path_factory.mktemp("auth") / "d.db",
        reload_poll_s=0,
        roster_path=CASES / "roster_public.csv",
    )
    with LiveServer(settings) as live:
        yield live


@pytest.fixture(scope="module")
def decision_id(server: LiveServer) -> str:
    response = httpx.post(server.url + "/v1/grade", json=PROJECT, headers=auth(server.keys["submitter"]))
    assert response.status_code == 200, response.text
    return response.json()["decision_id"]


def call(server: LiveServer, name: str, method: str, path: str, headers: dict[str, str], decision_id: str):
    kwargs: dict = {"headers": headers, "timeout": 60}
    if name == "keys-revoke":
        path = path.format(key_id=server.service.keys.create("viewer", "to revoke")[0].id)
    path = path.replace("{decision_id}", decision_id).replace("{table}", "price_review")
    quote = {"quote_id": "Q1", "quote_rmb": "100,000"}
    body = {"grade": PROJECT, "batch": {"items": [PROJECT]}, "gates": GATE, "reviewers": REVIEW, "decide": quote,
            "decide-batch": {"items": [quote, {"quote_id": "Q2"}]}}  # fmt: skip
    if name in body:
        kwargs["json"] = body[name]
    elif name == "keys-create":
        kwargs["json"] = {"role": "viewer", "label": "made by admin"}
    elif name == "decisions":
        kwargs["params"] = {"project_id": PROJECT["project_id"], "since": "2026-01-01"}
    elif name == "reports":
        kwargs["files"] = {"file": ("portfolio.csv", (DATA / "sample_portfolio.csv").read_bytes(), "text/csv")}
    return httpx.request(method, server.url + path, **kwargs)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "allowed"), ROUTES, ids=[r[0] for r in ROUTES])
def test_role_matrix(
    server: LiveServer, decision_id: str, role: str, name: str, method: str, path: str, allowed: set[str]
) -> None:
    response = call(server, name, method, path, auth(server.keys[role]), decision_id)
    if role in allowed:
        assert response.status_code in (200, 201), response.text[:500]
    else:
        assert response.status_code == 403, response.text[:500]
        problem = response.json()
        assert response.headers["content-type"] == "application/problem+json"
        assert problem["status"] == 403 and role in problem["detail"]


@pytest.mark.parametrize(("name", "method", "path", "allowed"), ROUTES, ids=[r[0] for r in ROUTES])
def test_no_key_and_wrong_keys_get_401(
    server: LiveServer, decision_id: str, name: str, method: str, path: str, allowed: set[str]
) -> None:
    right = server.keys[sorted(allowed)[0]]
    wrong_secret = right[: right.rindex("_") + 1] + "x" * 43
    for headers in ({}, auth("not-a-key"), auth(wrong_secret), {"X-API-Key": "gg_000000000000_nothing"}):
        response = call(server, name, method, path, headers, decision_id)
        assert response.status_code == 401, (headers, response.text[:300])
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"


def test_the_x_api_key_header_works_too(server: LiveServer) -> None:
    response = httpx.post(server.url + "/v1/grade", json=PROJECT, headers={"X-API-Key": server.keys["system"]})
    assert response.status_code == 200


def test_a_revoked_key_is_refused_at_once(server: LiveServer) -> None:
    record, key = server.service.keys.create("submitter", "short-lived")
    assert httpx.post(server.url + "/v1/grade", json=PROJECT, headers=auth(key)).status_code == 200
    admin = auth(server.keys["admin"])
    assert httpx.delete(f"{server.url}/v1/keys/{record.id}", headers=admin).status_code == 200
    assert httpx.post(server.url + "/v1/grade", json=PROJECT, headers=auth(key)).status_code == 401
    listed = {k["id"]: k for k in httpx.get(server.url + "/v1/keys", headers=admin).json()}
    assert listed[record.id]["revoked_at"] is not None
    assert all("secret" not in k and "key" not in k for k in listed.values())


def test_healthz_needs_no_key(server: LiveServer) -> None:
    response = httpx.get(server.url + "/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_decisions_record_the_calling_key(server: LiveServer) -> None:
    key = server.keys["system"]
    made = httpx.post(server.url + "/v1/grade", json=PROJECT, headers=auth(key)).json()
    read = httpx.get(f"{server.url}/v1/decisions/{made['decision_id']}", headers=auth(server.keys["viewer"])).json()
    assert read["key_id"] == key.split("_")[1]
    assert Path(server.settings.db_path).exists()
