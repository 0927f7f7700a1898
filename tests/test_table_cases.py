"""The public decision-table cases (../shared/cases/table_*_public.jsonl) through the real
CLI (a subprocess: JSON lines and CSV) and the real HTTP service (single and batch)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from gradegate.scoring import load_rulesets, sheet_title
from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import run_cli

TABLES = ("project_class", "key_project", "price_review")


def load_cases(cases_dir: Path, table: str) -> list[dict[str, Any]]:
    lines = (cases_dir / f"table_{table}_public.jsonl").read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines if line.strip()]
    assert len(cases) >= 30
    assert any("bad_field" in c for c in cases) and any("expected" in c for c in cases)
    return cases


def assert_answer(case: dict[str, Any], answer: dict[str, Any], table: str) -> None:
    """`answer` is a result or an error object: the case's expected outputs, or its bad field named."""
    if "bad_field" in case:
        errors = answer["error"]["errors"] if "error" in answer else answer["errors"]
        assert case["bad_field"] in [e["field"] for e in errors], (case, answer)
        assert all(e["message"] and "accepted" in e for e in errors)
        return
    assert "error" not in answer, (case, answer)
    assert answer["table"] == table
    for name, value in case["expected"].items():
        assert answer["outputs"][name] == value, (name, case, answer)
    id_field = answer["id_field"]
    assert answer["id"] == case["input"][id_field].strip()
    assert answer["ruleset"]["name"] == table and answer["ruleset"]["hash"].startswith("sha256:")


@pytest.mark.parametrize("table", TABLES)
def test_public_cases_through_the_cli_as_json_lines(table: str, cases_dir: Path, tmp_path: Path) -> None:
    cases = load_cases(cases_dir, table)
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(c["input"], ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    result = run_cli("decide", table, source, "-o", tmp_path / "out.jsonl")
    assert result.returncode == 3, result.stderr  # the cases hold bad records on purpose
    answers = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(answers) == len(cases)  # line N answers line N
    for number, (case, answer) in enumerate(zip(cases, answers, strict=True), start=1):
        if "error" in answer:
            assert answer["line"] == number
        assert_answer(case, answer, table)
    bad = sum("bad_field" in c for c in cases)
    assert f"读取 {len(cases):,} · 已决策 {len(cases) - bad:,} · 无效 {bad:,}   规则 {table} 1.0" in result.stderr


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _write_csv(cases: list[dict[str, Any]], table: str, headers: str, source: Path) -> Path:
    """The cases' inputs as a CSV, headed by field codes or by the inputs' Chinese labels."""
    columns = sorted({k for c in cases for k in c["input"]})
    inputs = load_rulesets().tables[table].rules.inputs
    shown = {k: inputs[k].label if headers == "labels" and k in inputs else k for k in columns}
    with open(source, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([shown[k] for k in columns])
        for c in cases:
            writer.writerow([_cell(c["input"].get(k)) for k in columns])
    return source


@pytest.mark.parametrize("table", TABLES)
def test_public_cases_through_the_cli_into_a_workbook(table: str, cases_dir: Path, tmp_path: Path) -> None:
    """`-o out.xlsx` holds what `-o out.csv` does, on a sheet named after the table's label (a `/`
    and the other characters Excel refuses in a sheet name replaced: project_class's label has one)."""
    source = _write_csv(load_cases(cases_dir, table), table, "codes", tmp_path / "in.csv")
    to_book = run_cli("decide", table, source, "-o", tmp_path / "out.xlsx")
    assert to_book.returncode == 3, to_book.stderr
    assert run_cli("decide", table, source, "-o", tmp_path / "out.csv").returncode == 3
    book = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    sheet = book.worksheets[0]
    assert sheet.title == sheet_title(load_rulesets().tables[table].rules.label)
    assert not set("[]:*?/\\") & set(sheet.title)
    cells = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    with open(tmp_path / "out.csv", encoding="utf-8-sig") as fh:
        assert cells == list(csv.reader(fh))


@pytest.mark.parametrize("headers", ["codes", "labels"])
@pytest.mark.parametrize("table", TABLES)
def test_public_cases_through_the_cli_as_csv(table: str, headers: str, cases_dir: Path, tmp_path: Path) -> None:
    """Headers as field codes, or as people write them: the inputs' Chinese labels (typo columns stay typos)."""
    cases = load_cases(cases_dir, table)
    source = _write_csv(cases, table, headers, tmp_path / "in.csv")
    result = run_cli("decide", table, source, "-o", tmp_path / "out.csv")
    assert result.returncode == 3, result.stderr
    with open(tmp_path / "out.csv", encoding="utf-8-sig") as fh:
        decided = {int(r["row"]): r for r in csv.DictReader(fh)}
    with open(tmp_path / "out.errors.csv", encoding="utf-8-sig") as fh:
        refused: dict[int, list[str]] = {}
        for r in csv.DictReader(fh):
            refused.setdefault(int(r["row"]), []).append(r["field"])
    for row, case in enumerate(cases, start=1):
        if "bad_field" in case:
            # A blank cell is an absent value: a typo column with a value is still refused.
            assert case["bad_field"] in refused[row], (case, refused.get(row))
            assert row not in decided
            continue
        out = decided[row]
        assert row not in refused
        for name, value in case["expected"].items():
            want = ";".join(value) if isinstance(value, list) else _cell(value)
            assert out[name] == want, (name, case, out)
        coded = {"project_class": "project_class_label", "price_review": "chair_label"}
        if table in coded:
            assert out[coded[table]] in ("一般项目", "重大项目", "技术部主管", "运营中心")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("db") / "decisions.db"
    with LiveServer(Settings(db_path=db, reload_poll_s=0)) as live:
        yield live


@pytest.mark.parametrize("role", ["system", "submitter"])
@pytest.mark.parametrize("table", TABLES)
def test_public_cases_over_http(server: LiveServer, table: str, role: str, cases_dir: Path) -> None:
    with httpx.Client(base_url=server.url, headers=auth(server.keys[role]), timeout=30) as client:
        for case in load_cases(cases_dir, table):
            response = client.post(f"/v1/decide/{table}", json=case["input"])
            if "bad_field" in case:
                assert response.status_code == 422, response.text
                assert response.headers["content-type"] == "application/problem+json"
            else:
                assert response.status_code == 200, response.text
                body = response.json()
                assert body["decision_id"]
                logged = client.get(f"/v1/decisions/{body['decision_id']}", headers=auth(server.keys["viewer"]))
                assert logged.status_code == 200 and logged.json()["route"] == f"/v1/decide/{table}"
            assert_answer(case, response.json(), table)


@pytest.mark.parametrize("table", TABLES)
def test_public_cases_as_one_http_batch(server: LiveServer, table: str, cases_dir: Path) -> None:
    cases = load_cases(cases_dir, table)
    with httpx.Client(base_url=server.url, headers=auth(server.keys["system"]), timeout=30) as client:
        response = client.post(f"/v1/decide/{table}/batch", json={"items": [c["input"] for c in cases]})
    assert response.status_code == 200, response.text
    body = response.json()
    bad = sum("bad_field" in c for c in cases)
    assert (body["decided"], body["failed"]) == (len(cases) - bad, bad)
    assert body["decision_id"]
    for case, item in zip(cases, body["results"], strict=True):
        assert_answer(case, item["result"] if item["ok"] else item, table)


def test_unknown_table_is_a_404_problem_and_roles_are_checked(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        missing = client.post("/v1/decide/nope", json={}, headers=auth(server.keys["system"]))
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.json()["type"].endswith("unknown-table") and "price_review" in missing.json()["detail"]
        batch = client.post("/v1/decide/nope/batch", json={"items": []}, headers=auth(server.keys["system"]))
        assert batch.status_code == 404
        record = {"quote_id": "Q1", "quote_rmb": 1}
        assert client.post("/v1/decide/price_review", json=record).status_code == 401
        viewer = client.post("/v1/decide/price_review", json=record, headers=auth(server.keys["viewer"]))
        assert viewer.status_code == 403
        assert client.get("/v1/tables", headers=auth(server.keys["system"])).status_code == 403


def test_the_tables_listing_and_the_openapi_document(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        listing = client.get("/v1/tables", headers=auth(server.keys["viewer"]))
        assert listing.status_code == 200
        tables = {t["code"]: t for t in listing.json()["tables"]}
        assert set(tables) == set(TABLES)
        inputs = {i["name"]: i for i in tables["key_project"]["inputs"]}
        assert inputs["budget_rmb"]["label"] == "项目预算(元)" and inputs["budget_rmb"]["required"]
        assert inputs["has_sample"]["default"] is False and not inputs["has_sample"]["required"]
        outputs = {o["name"]: o for o in tables["project_class"]["outputs"]}
        assert outputs["project_class"]["values"] == {"general": "一般项目", "major": "重大项目"}
        doc = client.get("/openapi.json").json()
        operation = doc["paths"]["/v1/decide/{table}"]["post"]
        content = operation["requestBody"]["content"]["application/json"]
        schemas = doc["components"]["schemas"]
        assert content["schema"] == {"$ref": "#/components/schemas/DecideIn"}  # one of the tables' records
        assert {"$ref": "#/components/schemas/DecidePriceReviewIn"} in schemas["DecideIn"]["oneOf"]
        record = schemas["DecidePriceReviewIn"]
        assert "price_review" in record["description"] and record["additionalProperties"] is False
        example = content["examples"]["price_review"]["value"]
        assert set(record["required"]) <= set(example) <= set(record["properties"])
        decided = client.post("/v1/decide/price_review", json=example, headers=auth(server.keys["system"]))
        assert decided.status_code == 200, decided.text  # the documented example is a valid record
        assert "table" in json.dumps(operation["parameters"])


def test_an_amount_header_in_another_unit_is_refused_with_the_reason(tmp_path: Path) -> None:
    source = tmp_path / "quotes.csv"
    source.write_text("报价编号,报价金额(万元)\nQ1,12\n", encoding="utf-8")
    result = run_cli("decide", "price_review", source, "-o", tmp_path / "out.csv")
    assert result.returncode == 1
    assert "报价金额(元)" in result.stderr and "请换算为元" in result.stderr
    assert not (tmp_path / "out.csv").exists()
