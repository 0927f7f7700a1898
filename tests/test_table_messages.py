"""Decision-table record errors, the decide batch's non-object item and the report's upload errors,
worded by the catalogue: Chinese first (naming the table's own input labels), English on request;
through the real CLI (`gradegate decide`) and the real HTTP service."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import run_cli

BAD = {"project_id": "P1", "amount_rmb": 1, "has_precedent": "maybe", "needs_rnd_change": True, "amount_rbm": 2}
MISSING = {"project_id": "P2", "amount_rmb": 1, "has_precedent": True}
INPUTS = "project_id, amount_rmb, has_precedent, needs_rnd_change"
BOOLEANS = "true/false, yes/no, 1/0, 是/否"
# (field, reason, zh, en) of BAD, then of MISSING
BAD_ZH_EN = [
    ("amount_rbm", "unknown_field",
     "未知字段 amount_rbm（是否为 amount_rmb（标的额(元)）？）；可用字段：project_id（项目编号）、"
     "amount_rmb（标的额(元)）、has_precedent（有成熟案例）、needs_rnd_change（需研发中心参与修改软件）",
     f"unknown field 'amount_rbm' (did you mean 'amount_rmb'?); inputs: {INPUTS}"),
    ("has_precedent", "wrong_type",
     f'有成熟案例: "maybe" 不是是/否值；请填写 {BOOLEANS}',
     f"has_precedent: 'maybe' is not a yes/no value; give {BOOLEANS}"),
]  # fmt: skip
MISSING_ZH_EN = [
    ("needs_rnd_change", "missing", f"需研发中心参与修改软件为必填项：请填写 {BOOLEANS}",
     f"needs_rnd_change is required: give {BOOLEANS}"),
]  # fmt: skip


def messages(errors: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(e["field"], e["reason"], e["message"]) for e in errors]


def zh(expected: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str]]:
    return [(field, reason, text) for field, reason, text, _ in expected]


def en(expected: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str]]:
    return [(field, reason, text) for field, reason, _, text in expected]


def test_record_errors_through_the_cli_in_chinese(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (BAD, MISSING)), encoding="utf-8")
    result = run_cli("decide", "project_class", source, "-o", tmp_path / "out.jsonl")
    assert result.returncode == 3, result.stderr
    first, second = (json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines())
    assert messages(first["error"]["errors"]) == zh(BAD_ZH_EN)
    assert messages(second["error"]["errors"]) == zh(MISSING_ZH_EN)
    assert [e["accepted"] for e in first["error"]["errors"]] == [INPUTS, BOOLEANS]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(Settings(db_path=tmp_path_factory.mktemp("tmsg") / "d.db", reload_poll_s=0)) as live:
        yield live


@pytest.mark.parametrize(
    ("language", "pick"), [({}, zh), ({"Accept-Language": "zh"}, zh), ({"Accept-Language": "en"}, en)]
)
def test_record_errors_over_http(server: LiveServer, language: dict[str, str], pick: Any) -> None:
    headers = {**auth(server.keys["system"]), **language}
    url = server.url + "/v1/decide/project_class"
    for record, expected in ((BAD, BAD_ZH_EN), (MISSING, MISSING_ZH_EN)):
        response = httpx.post(url, json=record, headers=headers)
        assert response.status_code == 422, response.text
        assert messages(response.json()["errors"]) == pick(expected)


@pytest.mark.parametrize(("language", "pick"), [({"Accept-Language": "zh"}, zh), ({"Accept-Language": "en"}, en)])
def test_batch_items_errors_over_http(server: LiveServer, language: dict[str, str], pick: Any) -> None:
    headers = {**auth(server.keys["system"]), **language}
    items = [BAD, ["not", "a", "record"], MISSING]
    response = httpx.post(server.url + "/v1/decide/project_class/batch", json={"items": items}, headers=headers)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["ok"] for r in results] == [False, False, False]
    assert messages(results[0]["errors"]) == pick(BAD_ZH_EN)
    assert messages(results[2]["errors"]) == pick(MISSING_ZH_EN)
    assert messages(results[1]["errors"]) == pick(
        [("", "wrong_type", "第 1 项不是 JSON 对象", "item 1 is not a JSON object")]
    )
    assert results[1]["errors"][0]["accepted"] == "object"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ({}, "p.jsonl: 不是 .csv 或 .xlsx 项目组合文件"),
        ({"Accept-Language": "zh"}, "p.jsonl: 不是 .csv 或 .xlsx 项目组合文件"),
        ({"Accept-Language": "en"}, "p.jsonl: not a .csv or .xlsx portfolio"),
    ],
)
def test_report_upload_of_another_file_type_over_http(server: LiveServer, language: dict[str, str], text: str) -> None:
    """(An unknown `format` is refused by the route's declared choices before the report is built; the
    report's own wording of it is checked in test_report_api.py.)"""
    headers = {**auth(server.keys["viewer"]), **language}
    upload = {"file": ("p.jsonl", b"{}\n", "application/json")}
    response = httpx.post(server.url + "/v1/reports", files=upload, headers=headers)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["field"], error["reason"], error["accepted"]) == ("file", "malformed", "a .csv or .xlsx portfolio")
    assert error["message"] == text
