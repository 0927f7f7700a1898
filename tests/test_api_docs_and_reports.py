"""OpenAPI docs (examples, Chinese labels) and the portfolio report route."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from openpyxl import load_workbook

from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import DATA


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(Settings(db_path=tmp_path_factory.mktemp("docs") / "d.db", reload_poll_s=0)) as live:
        yield live


def test_openapi_documents_every_route_with_examples_and_chinese_labels(server: LiveServer) -> None:
    spec = httpx.get(server.url + "/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/v1/grade",
        "/v1/grade/batch",
        "/v1/gates/check",
        "/v1/reviewers/select",
        "/v1/rulesets",
        "/v1/decisions/{decision_id}",
        "/v1/rules/reload",
        "/v1/reports",
        "/healthz",
    ):
        assert path in paths, path

    def component(schema: dict) -> dict:  # request bodies are components, referred to by `$ref`
        return spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]

    grade_body = paths["/v1/grade"]["post"]["requestBody"]["content"]["application/json"]
    properties = component(grade_body["schema"])["properties"]
    assert "战略地位" in properties["strategic_status"]["description"]
    assert "总的风险" in properties["risk"]["description"]
    example = next(iter(grade_body["examples"].values()))["value"]
    assert example["strategic_status"] == "战略核心"
    gate_body = paths["/v1/gates/check"]["post"]["requestBody"]["content"]["application/json"]
    assert "已批准" in component(gate_body["schema"])["properties"]["deliverables"]["description"]
    assert {"HTTPBearer", "APIKeyHeader"} <= set(spec["components"]["securitySchemes"])
    assert httpx.get(server.url + "/docs").status_code == 200


def test_the_documented_example_grades(server: LiveServer) -> None:
    spec = httpx.get(server.url + "/openapi.json").json()
    body = spec["paths"]["/v1/grade"]["post"]["requestBody"]["content"]["application/json"]
    example = next(iter(body["examples"].values()))["value"]
    response = httpx.post(server.url + "/v1/grade?what_if=true", json=example, headers=auth(server.keys["system"]))
    assert response.status_code == 200, response.text
    graded = response.json()
    assert graded["level"] == "company" and graded["level_label"] == "公司级"
    assert graded["what_if"]["target_level"] == "office"
    assert all(change["level"] == "office" for change in graded["what_if"]["changes"])


def test_portfolio_report_as_html_and_excel(server: LiveServer) -> None:
    upload = {"file": ("portfolio.csv", (DATA / "sample_portfolio.csv").read_bytes(), "text/csv")}
    viewer = auth(server.keys["viewer"])
    html = httpx.post(server.url + "/v1/reports", files=upload, headers=viewer, timeout=120)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "公司级" in html.text
    xlsx = httpx.post(server.url + "/v1/reports?format=xlsx", files=upload, headers=viewer, timeout=120)
    assert xlsx.status_code == 200 and "spreadsheet" in xlsx.headers["content-type"]
    from io import BytesIO

    assert load_workbook(BytesIO(xlsx.content)).sheetnames


def test_unusable_upload_and_format_are_422(server: LiveServer) -> None:
    viewer = auth(server.keys["viewer"])
    bad_file = {"file": ("portfolio.pdf", b"%PDF-1.4", "application/pdf")}
    response = httpx.post(server.url + "/v1/reports", files=bad_file, headers=viewer)
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "file"
    csv_file = {"file": ("p.csv", (DATA / "sample_portfolio.csv").read_bytes(), "text/csv")}
    response = httpx.post(server.url + "/v1/reports?format=pdf", files=csv_file, headers=viewer)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "format"
    assert response.json()["errors"][0]["value"] == "pdf"
    assert response.json()["errors"][0]["reason"] == "unknown_value"  # the core's code for a value outside a set
    # Chinese by default, pydantic's English on request
    assert response.json()["errors"][0]["message"] == "format: \"pdf\" 不是可选值；请填写以下之一：'html'、'xlsx'"
    english = httpx.post(
        server.url + "/v1/reports?format=pdf", files=csv_file, headers={**viewer, "Accept-Language": "en"}
    )
    assert english.json()["errors"][0]["message"] == "format: Input should be 'html' or 'xlsx'"


def test_a_misspelled_report_parameter_is_refused_not_ignored(server: LiveServer) -> None:
    """`?fromat=xlsx` ignored would answer HTML to a caller asking for a workbook."""
    viewer = auth(server.keys["viewer"])
    csv_file = {"file": ("p.csv", (DATA / "sample_portfolio.csv").read_bytes(), "text/csv")}
    response = httpx.post(server.url + "/v1/reports?fromat=xlsx", files=csv_file, headers=viewer)
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {
            "field": "fromat",
            "value": "xlsx",
            "reason": "unknown_field",
            "message": "未知字段 fromat（是否为 format？）；可用字段：format",
            "accepted": "format",
        }
    ]
