"""GET /v1/decisions?project_id=…&since=…: a subject's decisions, newest first, with their rule set;
the subjects a decision is filed under; who may read the list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from gradegate.reports.formatting import CHINA
from gradegate.service.decision_log import subjects_of
from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.test_auth_matrix import PROJECT

ORDER = {
    "kind": "order",
    "id": "O-77",
    "contract_id": "C-77",
    "amount_rmb": 100000,
    "clauses": ["product_list"],
    "submitter": "E001",
}
CONTRACT = {
    "kind": "contract",
    "id": "C-77",
    "amount_rmb": 6000000,
    "clauses": ["technical_terms"],
    "submitter": "E001",
}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = Settings(db_path=tmp_path_factory.mktemp("history") / "d.db", reload_poll_s=0)
    with LiveServer(settings) as server:
        system = auth(server.keys["system"])
        for body in (CONTRACT, ORDER):
            assert httpx.post(server.url + "/v1/reviewers/select", json=body, headers=system).status_code == 200
        for total in range(3):  # three gradings of one project, the last one the newest
            body = {**PROJECT, "project_id": "H-1", "product_line_count": total + 1}
            assert httpx.post(server.url + "/v1/grade", json=body, headers=system).status_code == 200
        yield server


def listing(live: LiveServer, role: str = "viewer", **params: object) -> httpx.Response:
    return httpx.get(live.url + "/v1/decisions", params=params, headers=auth(live.keys[role]))


def test_newest_first_with_the_rule_set(live: LiveServer) -> None:
    body = listing(live, project_id="H-1").json()
    assert body["project_id"] == "H-1" and body["count"] == 3 and body["since"] is None
    lines = [d["input"]["product_line_count"] for d in body["decisions"]]
    assert lines == [3, 2, 1]
    created = [d["created_at"] for d in body["decisions"]]
    assert created == sorted(created, reverse=True)
    for d in body["decisions"]:
        assert d["route"] == "/v1/grade" and d["ruleset"]["name"] == "default-grading"
        assert d["ruleset"]["hash"].startswith("sha256:")
    assert [
        d["input"]["product_line_count"] for d in listing(live, project_id=" H-1 ", limit=2).json()["decisions"]
    ] == [
        3,
        2,
    ]


def test_orders_are_filed_under_their_contract(live: LiveServer) -> None:
    contract = listing(live, project_id="C-77").json()["decisions"]
    assert [d["input"]["id"] for d in contract] == ["O-77", "C-77"]
    assert [d["input"]["id"] for d in listing(live, project_id="O-77").json()["decisions"]] == ["O-77"]
    assert listing(live, project_id="nobody").json() == {
        "project_id": "nobody",
        "since": None,
        "count": 0,
        "decisions": [],
    }


def test_since_is_a_china_date_or_a_moment(live: LiveServer) -> None:
    today = datetime.now(CHINA).date()
    assert listing(live, project_id="H-1", since=today.isoformat()).json()["count"] == 3
    assert listing(live, project_id="H-1", since=(today + timedelta(days=1)).isoformat()).json()["count"] == 0
    body = listing(live, project_id="H-1", since=today.isoformat()).json()
    assert body["since"] == f"{today.isoformat()}T00:00:00+08:00"
    soon = (datetime.now(CHINA) + timedelta(minutes=5)).isoformat()
    assert listing(live, project_id="H-1", since=soon).json()["count"] == 0


def test_bad_requests_name_the_field(live: LiveServer) -> None:
    bad = listing(live, project_id="H-1", since="last week")
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["errors"][0]["field"] == "since" and "YYYY-MM-DD" in bad.json()["errors"][0]["accepted"]
    missing = listing(live)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "project_id"
    assert missing.json()["errors"][0]["reason"] == "missing"
    assert missing.json()["errors"][0]["message"] == "项目编号为必填项"
    too_many = listing(live, project_id="H-1", limit=5000)
    assert too_many.status_code == 422
    assert too_many.json()["errors"] == [
        {
            "field": "limit",
            "value": "5000",
            "reason": "out_of_range",
            "message": 'limit: "5000" 超出范围；应 ≤ 1000',
            "accepted": "≤ 1000",
        }
    ]
    english = httpx.get(
        live.url + "/v1/decisions",
        params={"project_id": "H-1", "limit": 0},
        headers={**auth(live.keys["viewer"]), "Accept-Language": "en"},
    )
    assert english.json()["errors"][0]["message"] == "limit: Input should be greater than or equal to 1"
    assert english.json()["errors"][0]["accepted"] == "≥ 1"
    not_a_number = listing(live, project_id="H-1", limit="ten")
    assert not_a_number.json()["errors"][0]["reason"] == "not_an_integer"
    assert not_a_number.json()["errors"][0]["message"] == 'limit: "ten" 不是整数'
    assert not_a_number.json()["errors"][0]["accepted"] == "a whole number"


def test_viewers_and_analysts_read_it(live: LiveServer) -> None:
    assert httpx.get(live.url + "/v1/decisions", params={"project_id": "H-1"}).status_code == 401
    assert listing(live, "submitter", project_id="H-1").status_code == 403
    assert listing(live, "system", project_id="H-1").status_code == 403
    assert listing(live, "analyst", project_id="H-1").json()["count"] == 3


def test_subjects_of_an_input() -> None:
    assert subjects_of({"project_id": " P1 ", "x": 1}) == ["P1"]
    assert subjects_of([{"project_id": "P1"}, {"project_id": "P2"}, {"project_id": "P1"}, "junk"]) == ["P1", "P2"]
    assert subjects_of({"id": "O1", "contract_id": "C1"}) == ["O1", "C1"]
    assert subjects_of({"project_id": True}) == [] and subjects_of({"project_id": "x" * 81}) == []
    assert subjects_of({"project_id": 17}) == ["17"] and subjects_of(None) == []


def test_the_history_page_names_table_decisions(tmp_path: Path) -> None:
    """A decision table's decisions, one record and a batch, listed on /history by kind and outcome."""
    with LiveServer(Settings(db_path=tmp_path / "d.db", reload_poll_s=0), roles=["system"]) as server:
        system = auth(server.keys["system"])
        record = {"project_id": "T-1", "amount_rmb": "5,894,838", "has_precedent": "是", "needs_rnd_change": "否"}
        one = httpx.post(server.url + "/v1/decide/project_class", json=record, headers=system)
        assert one.status_code == 200, one.text
        items = [{**record, "amount_rmb": 100}, {"project_id": "T-2", "amount_rmb": "很多"}]
        batch = httpx.post(server.url + "/v1/decide/project_class/batch", json={"items": items}, headers=system)
        assert batch.json()["decided"] == 1, batch.text
        rows = history_rows(httpx.get(server.url + "/history", params={"project_id": "T-1"}).text)
        bad = history_rows(httpx.get(server.url + "/history", params={"project_id": "T-2"}).text)
    assert [row[1:3] for row in rows] == [
        ["批量决策表", "项目分类(一般项目/重大项目) · 一般项目"],
        ["决策表", "项目分类(一般项目/重大项目) · 重大项目"],
    ]
    assert [row[1:3] for row in bad] == [["批量决策表", "未决定：输入有误"]]


def history_rows(html: str) -> list[list[str]]:
    """The cells of the history page's table, as text, one list per decision."""
    body = html.split('id="decisions"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr\b.*?</tr>", body, re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td\b.*?</td>", row, re.S)] for row in rows]
