"""Strict input: an unknown field is refused by name, with the close known field ("did you mean"),
on every JSON route and in JSON-lines input; a typo is never silently ignored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import run_cli
from tests.test_api_errors import assert_problem
from tests.test_auth_matrix import PROJECT

GATE = {"project_id": "G1", "gate": "SDP1", "level": "company", "deliverables": {}}
REVIEW = {"kind": "contract", "id": "C1", "amount_rmb": 100, "clauses": ["technical_terms"], "submitter": "E001"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = Settings(db_path=tmp_path_factory.mktemp("strict") / "d.db", reload_poll_s=0)
    with LiveServer(settings) as live:
        yield live


def unknown(body: dict, field: str) -> dict:
    found = [e for e in body["errors"] if e["field"] == field]
    assert found, body["errors"]
    assert found[0]["reason"] == "unknown_field"
    return found[0]


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("level_overide", "level_override"), ("strategic_statuss", "strategic_status"), ("ofice", "office")],
)
def test_grade_refuses_a_misspelled_field_and_says_what_was_meant(server: LiveServer, typo: str, meant: str) -> None:
    project = {**PROJECT, typo: {"level": "company", "approved_by": "CEO", "reason": "strategic"}}
    with httpx.Client(base_url=server.url, headers=auth(server.keys["system"])) as c:
        body = assert_problem(c.post("/v1/grade", json=project), 422, with_errors=True)
    issue = unknown(body, typo)
    assert f"did you mean {meant!r}" in issue["message"]
    assert meant in issue["accepted"]


def test_nested_objects_are_strict_too(server: LiveServer) -> None:
    project = {
        **PROJECT,
        "risk": {**PROJECT["risk"], "scop": "low"},
        "level_override": {"level": "company", "approved_by": "CEO", "reason": "x", "aproved_by": "y"},
    }
    with httpx.Client(base_url=server.url, headers=auth(server.keys["system"])) as c:
        body = assert_problem(c.post("/v1/grade", json=project), 422, with_errors=True)
    assert "did you mean 'scope'" in unknown(body, "risk.scop")["message"]
    assert "did you mean 'approved_by'" in unknown(body, "level_override.aproved_by")["message"]


def test_every_json_route_refuses_unknown_fields(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url) as c:
        system, admin = auth(server.keys["system"]), auth(server.keys["admin"])
        batch = c.post("/v1/grade/batch", json={"items": [PROJECT], "itemz": []}, headers=system)
        assert "did you mean 'items'" in unknown(assert_problem(batch, 422, with_errors=True), "itemz")["message"]
        item = c.post("/v1/grade/batch", json={"items": [{**PROJECT, "regoin": "x"}]}, headers=system).json()
        assert item["results"][0]["ok"] is False
        assert item["results"][0]["errors"][0]["field"] == "regoin"
        gate = c.post("/v1/gates/check", json={**GATE, "flag": {}}, headers=system)
        assert "did you mean 'flags'" in unknown(assert_problem(gate, 422, with_errors=True), "flag")["message"]
        grading = {**GATE, "level": None, "grading": {**PROJECT, "amount": 1}}
        nested = assert_problem(c.post("/v1/gates/check", json=grading, headers=system), 422, with_errors=True)
        assert any(e["reason"] == "unknown_field" and "amount" in e["field"] for e in nested["errors"]), nested
        review = c.post("/v1/reviewers/select", json={**REVIEW, "clause": []}, headers=system)
        assert "did you mean 'clauses'" in unknown(assert_problem(review, 422, with_errors=True), "clause")["message"]
        key = c.post("/v1/keys", json={"role": "viewer", "lable": "x"}, headers=admin)
        assert "did you mean 'label'" in unknown(assert_problem(key, 422, with_errors=True), "lable")["message"]


def test_jsonl_inputs_refuse_unknown_fields(tmp_path: Path) -> None:
    source = tmp_path / "projects.jsonl"
    source.write_text(json.dumps({**PROJECT, "strategic_statuss": "core"}) + "\n", encoding="utf-8")
    out, errors = tmp_path / "graded.csv", tmp_path / "errors.csv"
    result = run_cli("grade", source, "-o", out, "--errors", errors)
    assert result.returncode == 3, result.stderr
    text = errors.read_text(encoding="utf-8-sig")
    assert "strategic_statuss" in text and "did you mean 'strategic_status'" in text
    gates = tmp_path / "gates.jsonl"
    gates.write_text(json.dumps({**GATE, "pased_gates": []}) + "\n", encoding="utf-8")
    result = run_cli("gate-check", gates)
    line = json.loads(result.stdout.splitlines()[0])
    assert "did you mean 'passed_gates'" in json.dumps(line, ensure_ascii=False)


def test_a_table_column_the_grader_does_not_read_is_reported_once(tmp_path: Path) -> None:
    source = tmp_path / "projects.csv"
    source.write_text(
        "project_id,ofice,amount_rmb,strategic_status,network_position,tech_maturity,risk_scope,risk_legal,"
        "risk_cost,risk_contract_terms,risk_supplier,external_service_amount_rmb,expedite,product_line_count\n"
        + "".join(f"P{i},x,100,core,major_share,mature,low,low,low,low,low,0,none,1\n" for i in range(3)),
        encoding="utf-8",
    )
    result = run_cli("grade", source, "-o", tmp_path / "graded.csv")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("'ofice'") == 1
    assert "did you mean 'office'" in result.stderr and "pass-through columns" in result.stderr
