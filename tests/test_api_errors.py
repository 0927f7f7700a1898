"""The one error shape (RFC 9457 problem details) on every error path of the service."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import httpx
import pytest

from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import ORDER_REQUEST
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
    # people read Chinese: the message names the field by its label; codes stay beside it
    assert by_field["amount_rmb"]["message"].startswith('项目金额: "lots" 不是有效金额')
    assert by_field["strategic_status"]["message"].startswith('战略地位: "最重要" 不是可选值')
    assert body["detail"].startswith("3 个字段无效")


@pytest.mark.parametrize("language", ["en", "en-US,en;q=0.9", "EN-GB"])
def test_422_in_english_on_request(client: httpx.Client, language: str) -> None:
    bad = {**PROJECT, "amount_rmb": "lots", "strategic_status": "最重要"}
    response = client.post("/v1/grade", json=bad, headers={"Accept-Language": language})
    body = assert_problem(response, 422, with_errors=True)
    by_field = {e["field"]: e for e in body["errors"]}
    assert by_field["amount_rmb"]["message"].startswith("amount_rmb: 'lots' is not a number; give a number ≥ 0")
    assert (by_field["amount_rmb"]["value"], by_field["amount_rmb"]["reason"]) == ("lots", "not_a_number")
    assert by_field["amount_rmb"]["accepted"].startswith("a number ≥ 0")
    assert "is not accepted; give one of core (战略核心)" in by_field["strategic_status"]["message"]
    assert body["detail"].startswith("2 field(s) are invalid")


def test_422_chinese_when_chinese_comes_first(client: httpx.Client) -> None:
    bad = {**PROJECT, "amount_rmb": "一千万"}
    headers = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
    body = assert_problem(client.post("/v1/grade", json=bad, headers=headers), 422, with_errors=True)
    assert body["errors"][0]["message"].startswith('项目金额: "一千万" 是汉字数字')
    assert body["errors"][0]["value"] == "一千万"


def test_batch_item_errors_follow_the_language(client: httpx.Client) -> None:
    items = [PROJECT, {**PROJECT, "amount_rmb": "x"}]
    zh = client.post("/v1/grade/batch", json={"items": items}).json()["results"][1]["errors"][0]
    en = client.post("/v1/grade/batch", json={"items": items}, headers={"Accept-Language": "en"}).json()
    assert zh["message"].startswith('项目金额: "x"') and zh["field"] == "amount_rmb"
    assert en["results"][1]["errors"][0]["message"].startswith("amount_rmb: 'x' is not a number")


def test_batch_item_that_is_not_an_object_is_reported_in_its_place(client: httpx.Client) -> None:
    """grading.md: in a batch the bad rows are reported and every good row is still graded — an item
    that is no object at all is one more bad item, not a reason to refuse the others."""
    items = [PROJECT, 42, None, {**PROJECT, "project_id": "AUTH-2"}]
    response = client.post("/v1/grade/batch", json={"items": items})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["graded"], body["failed"]) == (2, 2)
    assert [(r["index"], r["project_id"], r["ok"]) for r in body["results"]] == [
        (0, "AUTH-1", True), (1, None, False), (2, None, False), (3, "AUTH-2", True),
    ]  # fmt: skip
    assert body["results"][1]["errors"] == [
        {"field": "", "value": 42, "reason": "wrong_type", "message": "第 1 项不是 JSON 对象", "accepted": "object"}
    ]
    assert body["results"][3]["result"]["level"] == body["results"][0]["result"]["level"]


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


BAD_ROSTER_REQUEST = {
    **ORDER_REQUEST,
    "roster": [
        {"expert_id": "Z1", "name": "甲", "roles": ["finance_signatory"], "regions": ["*"], "product_lines": ["*"],
         "available": "yes", "current_load": -1},
    ],
}  # fmt: skip


def test_422_inline_roster_in_chinese_by_default_and_english_on_request(client: httpx.Client) -> None:
    zh = assert_problem(client.post("/v1/reviewers/select", json=BAD_ROSTER_REQUEST), 422, with_errors=True)
    assert [(e["field"], e["reason"], e["message"]) for e in zh["errors"]] == [
        ("roster[0].available", "wrong_type", '名册第 1 项: 是否可用: "yes" 不是 true 或 false'),
        ("roster[0].current_load", "out_of_range", "名册第 1 项: 当前负载: -1 小于 0；请填写 ≥ 0 的整数，如 3"),
    ]
    assert zh["detail"].startswith("2 个字段无效：名册第 1 项: 是否可用")
    headers = {"Accept-Language": "en"}
    en = assert_problem(client.post("/v1/reviewers/select", json=BAD_ROSTER_REQUEST, headers=headers), 422)
    assert [(e["field"], e["reason"], e["message"]) for e in en["errors"]] == [
        ("roster[0].available", "wrong_type", "roster[0]: available: 'yes' is not true or false"),
        ("roster[0].current_load", "out_of_range", "roster[0]: current_load: -1 is below 0; give a whole number ≥ 0, such as 3"),
    ]  # fmt: skip
    assert en["detail"].startswith("2 field(s) are invalid: roster[0]: available")
    not_a_list = client.post("/v1/reviewers/select", json={**BAD_ROSTER_REQUEST, "roster": "x"}).json()
    assert not_a_list["errors"][0]["message"] == "名册必须是专家对象的列表"


def test_503_for_a_bad_roster_file_in_both_languages(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A malformed roster file is the operator's problem (503), said in Chinese, and in English on request."""
    folder = tmp_path_factory.mktemp("roster503")
    roster = folder / "experts.csv"
    roster.write_text(
        "expert_id,name,roles,regions,product_lines,available,current_load\nE1,张伟,finance_signatory,*,*,maybe,0\n",
        encoding="utf-8",
    )
    request = {key: value for key, value in BAD_ROSTER_REQUEST.items() if key != "roster"}
    settings = Settings(db_path=folder / "d.db", reload_poll_s=0, roster_path=roster)
    with LiveServer(settings, roles=["system"]) as live:
        headers = auth(live.keys["system"])
        url = live.url + "/v1/reviewers/select"
        zh = assert_problem(httpx.post(url, json=request, headers=headers), 503)
        assert zh["type"].endswith("roster-unavailable")
        assert zh["detail"] == (
            f'名册文件 {roster} 无法使用：experts.csv 第 2 行: 是否可用: "maybe" 不是 true 或 false'
            "（也可填 yes/no、1/0、是/否）"
        )
        en = assert_problem(httpx.post(url, json=request, headers={**headers, "Accept-Language": "en"}), 503)
        assert en["detail"] == (
            f"the roster file {roster}: experts.csv line 2: available: 'maybe' is not true or false "
            "(also yes/no, 1/0, 是/否)"
        )
        roster.unlink()
        gone = assert_problem(httpx.post(url, json=request, headers=headers), 503)
        assert gone["detail"] == f"无法读取名册文件 {roster}；请在请求中提供 roster"
        gone_en = assert_problem(httpx.post(url, json=request, headers={**headers, "Accept-Language": "en"}), 503)
        assert gone_en["detail"] == f"the roster file {roster} cannot be read; give `roster`"


QUERY_TYPOS = [
    # (path, body, the parameter as mistyped, what the route accepts, the one meant)
    ("/v1/grade", PROJECT, "asof", "as_of, what_if", "as_of"),
    ("/v1/grade", PROJECT, "whatif", "as_of, what_if", "what_if"),
    ("/v1/grade/batch", {"items": [PROJECT]}, "as-of", "as_of", "as_of"),
    ("/v1/gates/check", {"project_id": "P1", "gate": "R1"}, "asof", "as_of", "as_of"),
    ("/v1/gates/check", {"project_id": "P1", "gate": "R1"}, "what_if", "as_of", None),  # /v1/grade's, not this one's
    ("/v1/reviewers/select", ORDER_REQUEST, "asof", "as_of", "as_of"),
    ("/v1/decide/price_review", {"quote_id": "Q1", "quote_rmb": 1}, "asof", "as_of", "as_of"),
    ("/v1/decide/price_review/batch", {"items": [{"quote_id": "Q1", "quote_rmb": 1}]}, "asof", "as_of", "as_of"),
]


@pytest.mark.parametrize(("path", "body", "typo", "accepted", "meant"), QUERY_TYPOS)
def test_422_unknown_query_parameter_is_named_never_ignored(
    client: httpx.Client, path: str, body: dict, typo: str, accepted: str, meant: str | None
) -> None:
    # Ignored, `?asof=2026-01-01` would be decided under today's rules and look like an answer as of that day.
    zh = assert_problem(client.post(f"{path}?{typo}=2026-01-01", json=body), 422, with_errors=True)
    assert zh["errors"] == [
        {
            "field": typo,
            "value": "2026-01-01",
            "reason": "unknown_field",
            "message": f"未知字段 {typo}{f'（是否为 {meant}？）' if meant else ''}；可用字段：{accepted}",
            "accepted": accepted,
        }
    ]
    en = client.post(f"{path}?{typo}=2026-01-01", json=body, headers={"Accept-Language": "en"}).json()
    assert en["errors"][0]["message"] == f"unknown field {typo!r}" + (f" (did you mean {meant!r}?)" if meant else "")
    # The same request without the stray parameter is decided.
    assert client.post(path, json=body).status_code == 200


def test_422_misspelled_history_parameter_is_named_never_ignored(server: LiveServer) -> None:
    """`?sinc=` ignored would list every decision of the project, not those since that day."""
    viewer = auth(server.keys["viewer"])
    url = server.url + "/v1/decisions?project_id=AUTH-1&sinc=2026-01-01"
    body = assert_problem(httpx.get(url, headers=viewer), 422, with_errors=True)
    assert [(e["field"], e["reason"], e["accepted"]) for e in body["errors"]] == [
        ("sinc", "unknown_field", "project_id, since, limit")
    ]
    assert body["errors"][0]["message"] == "未知字段 sinc（是否为 since？）；可用字段：project_id, since, limit"
    assert httpx.get(url.replace("sinc=", "since="), headers=viewer).status_code == 200


def test_batch_duplicate_of_a_refused_item_is_reported(client: httpx.Client) -> None:
    """grading.md: duplicate project_ids in one batch are reported — also when the first one was refused for
    another reason (as `gradegate grade` does); the later item is not graded as if the project came once."""
    items = [{**PROJECT, "amount_rmb": -1}, {**PROJECT, "project_id": " AUTH-1 "}, {**PROJECT, "project_id": "AUTH-9"}]
    body = client.post("/v1/grade/batch", json={"items": items}).json()
    assert (body["graded"], body["failed"]) == (1, 2)
    assert [e["reason"] for e in body["results"][0]["errors"]] == ["out_of_range"]
    assert [(e["field"], e["reason"]) for e in body["results"][1]["errors"]] == [("project_id", "duplicate")]
    assert body["results"][1]["errors"][0]["message"] == '项目编号 " AUTH-1 " 在本批中重复（首次出现在第 0 项）'
    assert body["results"][2]["ok"]
