"""The one error shape (RFC 9457 problem details) on every error path of the service."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import httpx
import pytest

from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.test_auth_matrix import PROJECT

ISSUE_KEYS = {"field", "value", "reason", "message", "accepted"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = Settings(
        db_path=tmp_path_factory.mktemp("errors") / "d.db",
        reload_poll_s=0,
        max_body_bytes=64 * 1024,
        max_batch_items=5,
        db_busy_timeout_s=0.2,
    )
    with LiveServer(settings) as live:
        yield live


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers=auth(server.keys["system"]), timeout=30) as c:
        yield c


def assert_problem(response: httpx.Response, status: int, *, with_errors: bool = False) -> dict:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= body.keys()
    assert body["status"] == status
    assert body["type"].startswith("urn:gradegate:problem:")
    assert body["instance"] == response.request.url.path
    assert body["detail"] and "Traceback" not in response.text
    if with_errors:
        assert body["errors"], body
        for issue in body["errors"]:
            assert set(issue) == ISSUE_KEYS, issue
    return body


def test_401_without_key(server: LiveServer) -> None:
    assert_problem(httpx.post(server.url + "/v1/grade", json=PROJECT), 401)


def test_403_wrong_role(server: LiveServer) -> None:
    assert_problem(httpx.post(server.url + "/v1/grade", json=PROJECT, headers=auth(server.keys["viewer"])), 403)


def test_404_unknown_route(client: httpx.Client) -> None:
    body = assert_problem(client.get("/v1/nothing-here"), 404)
    assert "/v1/nothing-here" in body["detail"]


def test_404_unknown_decision(server: LiveServer) -> None:
    response = httpx.get(server.url + "/v1/decisions/no-such-id", headers=auth(server.keys["viewer"]))
    body = assert_problem(response, 404, with_errors=True)
    assert body["errors"][0]["field"] == "decision_id" and body["errors"][0]["value"] == "no-such-id"


def test_405_wrong_method(client: httpx.Client) -> None:
    body = assert_problem(client.get("/v1/grade"), 405)
    assert "GET" in body["detail"]


def test_413_declared_body_too_large(client: httpx.Client) -> None:
    body = assert_problem(client.post("/v1/grade", content=b" " * 70_000), 413, with_errors=True)
    assert body["errors"][0]["field"] == "body" and "65536" in body["errors"][0]["accepted"]


def test_413_streamed_body_too_large(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted as the body arrives
        for _ in range(20):
            yield b" " * 8192

    response = client.post("/v1/grade", content=chunks(), headers={"content-type": "application/json"})
    assert_problem(response, 413, with_errors=True)


def test_422_invalid_fields_name_field_value_and_accepted(client: httpx.Client) -> None:
    bad = {**PROJECT, "amount_rmb": "lots", "strategic_status": "最重要", "product_line_count": 0}
    body = assert_problem(client.post("/v1/grade", json=bad), 422, with_errors=True)
    by_field = {e["field"]: e for e in body["errors"]}
    assert by_field["amount_rmb"]["value"] == "lots" and by_field["amount_rmb"]["reason"] == "not_a_number"
    assert by_field["strategic_status"]["reason"] == "unknown_value"
    assert "战略核心" in by_field["strategic_status"]["accepted"]
    assert by_field["product_line_count"]["reason"] == "out_of_range"


def test_422_malformed_json(client: httpx.Client) -> None:
    response = client.post("/v1/grade", content=b'{"project_id": ', headers={"content-type": "application/json"})
    body = assert_problem(response, 422, with_errors=True)
    assert body["errors"][0]["reason"] == "malformed"


def test_422_body_not_an_object(client: httpx.Client) -> None:
    assert_problem(client.post("/v1/grade", json=["P1"]), 422, with_errors=True)


def test_422_batch_too_large(client: httpx.Client) -> None:
    body = assert_problem(client.post("/v1/grade/batch", json={"items": [PROJECT] * 6}), 422, with_errors=True)
    assert body["errors"][0]["field"] == "items" and body["errors"][0]["value"] == 6


def test_422_gate_and_reviewer_input_errors(client: httpx.Client) -> None:
    assert_problem(client.post("/v1/gates/check", json={"project_id": "G1", "gate": "NOPE"}), 422, with_errors=True)
    assert_problem(client.post("/v1/reviewers/select", json={"kind": "letter"}), 422, with_errors=True)
    assert_problem(client.post("/v1/reviewers/select", json={"kind": "order", "roster": "x"}), 422, with_errors=True)


def test_500_never_shows_a_traceback(server: LiveServer, client: httpx.Client, monkeypatch) -> None:
    def boom(record: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(server.service.rules.current.grading, "evaluate", boom)
    body = assert_problem(client.post("/v1/grade", json=PROJECT), 500)
    assert "secret internal detail" not in str(body)


def test_503_when_the_decision_log_cannot_be_written(server: LiveServer, client: httpx.Client) -> None:
    lock = sqlite3.connect(server.settings.db_path, timeout=0.1)
    try:
        lock.execute("BEGIN EXCLUSIVE")
        body = assert_problem(client.post("/v1/grade", json=PROJECT), 503)
        assert "Retry-After" in client.post("/v1/grade", json=PROJECT).headers
        assert "decision" in body["detail"]
    finally:
        lock.rollback()
        lock.close()
    assert client.post("/v1/grade", json=PROJECT).status_code == 200


def test_422_reload_of_a_broken_rule_file_lists_file_and_line(tmp_path, rules_copy) -> None:
    settings = Settings(db_path=tmp_path / "d.db", reload_poll_s=0, rules_dir=rules_copy)
    with LiveServer(settings, roles=["analyst"]) as live:
        grading = rules_copy / "grading.yaml"
        grading.write_text(grading.read_text(encoding="utf-8").replace("threshold: 40", "threshold: lots"), "utf-8")
        response = httpx.post(live.url + "/v1/rules/reload", headers=auth(live.keys["analyst"]))
        body = assert_problem(response, 422, with_errors=True)
        assert any("grading.yaml:" in e["field"] and "threshold" in e["message"] for e in body["errors"])
