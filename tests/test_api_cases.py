"""The public reference cases, through the real HTTP service (uvicorn on loopback)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth

POINT_COLUMNS = {
    "points_amount": "amount",
    "points_strategic": "strategic",
    "points_network": "network",
    "points_tech": "tech",
    "points_risk": "risk",
    "points_external": "external",
    "points_expedite": "expedite",
    "points_product_lines": "product_lines",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("db") / "decisions.db"
    with LiveServer(Settings(db_path=db, reload_poll_s=0)) as live:
        yield live


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    key = server.keys["system"]
    with httpx.Client(base_url=server.url, headers=auth(key), timeout=30) as c:
        yield c


def grading_cases(cases_dir: Path) -> list[tuple[dict[str, str], dict[str, str]]]:
    with open(cases_dir / "grading_public_input.csv", encoding="utf-8") as f:
        inputs = {row["project_id"]: row for row in csv.DictReader(f)}
    with open(cases_dir / "grading_public_expected.csv", encoding="utf-8") as f:
        return [(inputs[row["project_id"]], row) for row in csv.DictReader(f)]


def assert_grade_matches(result: dict, expected: dict[str, str]) -> None:
    assert result["project_id"] == expected["project_id"]
    for column in ("total_score", "margin"):
        assert result[column] == int(expected[column]), column
    for column in ("level", "computed_level", "risk_level"):
        assert result[column] == expected[column], column
    points = {c["code"]: c["points"] for c in result["criteria"]}
    assert {col: points[code] for col, code in POINT_COLUMNS.items()} == {
        col: int(expected[col]) for col in POINT_COLUMNS
    }


def test_every_public_grading_case_over_http(client: httpx.Client, cases_dir: Path) -> None:
    cases = grading_cases(cases_dir)
    assert len(cases) >= 50
    for row, expected in cases:
        response = client.post("/v1/grade", json=row)
        assert response.status_code == 200, response.text
        body = response.json()
        assert_grade_matches(body, expected)
        assert body["decision_id"]
        assert body["level_label"] in ("公司级", "办事处级")


def test_public_grading_cases_as_one_batch(client: httpx.Client, cases_dir: Path) -> None:
    cases = grading_cases(cases_dir)
    response = client.post("/v1/grade/batch", json={"items": [row for row, _ in cases]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["graded"] == len(cases) and body["failed"] == 0
    for item, (_, expected) in zip(body["results"], cases, strict=True):
        assert item["ok"], item
        assert_grade_matches(item["result"], expected)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_public_gate_case_over_http(client: httpx.Client, cases_dir: Path) -> None:
    inputs = _jsonl(cases_dir / "gates_public_input.jsonl")
    expected = _jsonl(cases_dir / "gates_public_expected.jsonl")
    for request, want in zip(inputs, expected, strict=True):
        response = client.post("/v1/gates/check", json=request)
        assert response.status_code == 200, response.text
        got = response.json()
        assert got["decision_id"]
        for key in want.keys() - {"blocking"}:
            assert got[key] == want[key], (request.get("project_id"), key)
        blocking = [{k: b.get(k) for k in w} for b, w in zip(got["blocking"], want["blocking"], strict=False)]
        assert len(got["blocking"]) == len(want["blocking"]) and blocking == want["blocking"]


def json_roster(path: Path) -> list[dict]:
    """The roster CSV as the JSON an API client sends: lists as arrays, flags as booleans."""
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    lists, flags = ("roles", "regions", "product_lines"), ("available",)
    return [
        {
            k: (v.split(";") if k in lists else v == "true" if k in flags else v)
            for k, v in row.items()
            if v != "" or k not in lists
        }
        for row in rows
    ]


def test_every_public_reviewer_case_over_http(client: httpx.Client, cases_dir: Path) -> None:
    roster = json_roster(cases_dir / "roster_public.csv")
    inputs = _jsonl(cases_dir / "reviewers_public_input.jsonl")
    expected = _jsonl(cases_dir / "reviewers_public_expected.jsonl")
    for request, want in zip(inputs, expected, strict=True):
        response = client.post("/v1/reviewers/select", json={**request, "roster": roster})
        assert response.status_code == 200, response.text
        got = response.json()
        assert got["decision_id"]
        assert [r["role"] for r in got["required_roles"]] == [r["role"] for r in want["required_roles"]]
        assert [(a["role"], a["expert_id"]) for a in got["assignments"]] == [
            (a["role"], a["expert_id"]) for a in want["assignments"]
        ]
        assert got["review_meeting"] == want["review_meeting"]
        assert got["decision_authority"] == want["decision_authority"]


def test_an_unfilled_role_says_why_in_chinese_and_in_english_on_request(client: httpx.Client) -> None:
    """The reason is Chinese by default and English on Accept-Language: en; every other field is the same."""
    roster = [
        {"expert_id": "Z1", "name": "甲", "roles": ["sales_mgmt_signatory"], "regions": ["*"], "product_lines": ["*"],
         "available": True, "current_load": 0},
        {"expert_id": "Z2", "name": "乙", "roles": ["finance_signatory"], "regions": ["*"], "product_lines": ["*"],
         "available": False, "current_load": 0},
        {"expert_id": "Z3", "name": "丙", "roles": ["finance_signatory"], "regions": ["*"], "product_lines": ["*"],
         "available": True, "current_load": 0},
    ]  # fmt: skip
    request = {"kind": "order", "id": "O1", "contract_id": "C1", "amount_rmb": 10, "clauses": ["product_list"],
               "submitter": "Z3", "roster": roster}  # fmt: skip
    zh = client.post("/v1/reviewers/select", json=request)
    en = client.post("/v1/reviewers/select", json=request, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert zh.status_code == en.status_code == 200, (zh.text, en.text)
    zh_body, en_body = zh.json(), en.json()
    finance = zh_body["assignments"][1]
    assert (finance["role"], finance["expert_id"], finance["name"]) == ("finance_signatory", None, None)
    assert (
        finance["reason"]
        == "财务权签人（finance_signatory）无人可选：名册中有 2 人担任该角色，其中 1 人不可用，1 人是提交人本人"
    )
    assert en_body["assignments"][1]["reason"] == (
        "no candidate for finance_signatory (财务权签人): 2 hold the role — 1 unavailable, 1 the submitter"
    )
    for body in (zh_body, en_body):
        del body["decision_id"], body["assignments"][1]["reason"]
    assert zh_body == en_body


def test_reviewer_cases_with_the_roster_file_of_the_settings(tmp_path: Path, cases_dir: Path) -> None:
    """Without an inline roster, the configured file (GRADEGATE_ROSTER_PATH) is used."""
    settings = Settings(db_path=tmp_path / "d.db", reload_poll_s=0, roster_path=cases_dir / "roster_public.csv")
    inputs = _jsonl(cases_dir / "reviewers_public_input.jsonl")[:5]
    expected = _jsonl(cases_dir / "reviewers_public_expected.jsonl")[:5]
    with LiveServer(settings, roles=["system"]) as live:
        for request, want in zip(inputs, expected, strict=True):
            got = httpx.post(live.url + "/v1/reviewers/select", json=request, headers=auth(live.keys["system"]))
            assert got.status_code == 200, got.text
            assert [a["expert_id"] for a in got.json()["assignments"]] == [a["expert_id"] for a in want["assignments"]]
