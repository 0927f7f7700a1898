"""Replay through the real service and the real CLI: logged decisions decided again under a
candidate rule folder; changes.csv lists exactly those whose outcome changes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import httpx
import pytest

from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import CASES, run_cli

BASE = {
    "amount_rmb": 0,
    "strategic_status": "general",
    "network_position": "sole_supplier",
    "tech_maturity": "mature",
    "risk": {"scope": "low", "legal": "low", "cost": "low", "contract_terms": "low", "supplier": "low"},
    "external_service_amount_rmb": 0,
    "expedite": "none",
    "product_line_count": 1,
}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A decision log: gradings of known totals, a batch with a refused item, gates, reviewers."""
    db = tmp_path_factory.mktemp("replay") / "g.db"
    ids: dict[str, str] = {}
    with LiveServer(Settings(db_path=db, reload_poll_s=0)) as live:
        system = auth(live.keys["system"])

        def grade(pid: str, **changes: object) -> None:
            answer = httpx.post(live.url + "/v1/grade", json={**BASE, "project_id": pid, **changes}, headers=system)
            assert answer.status_code == 200, answer.text
            ids[pid] = answer.json()["decision_id"]

        grade("T12")  # 12 points: office under 40 and under 30
        grade("T33", strategic_status="core", network_position="new_entry")  # 33: office → company at 30
        grade("T33-again", strategic_status="core", network_position="new_entry")
        grade("T39", amount_rmb=5000000, strategic_status="core", network_position="minor_share")  # 39
        grade("T45", amount_rmb=50000000, strategic_status="core")  # 45: company either way
        grade("T-MINOR", tech_maturity="少量定制")  # a label the candidate below renames: refused then
        items = [
            {**BASE, "project_id": "B1", "strategic_status": "core", "network_position": "new_entry"},
            {"project_id": "B2"},
        ]
        batch = httpx.post(live.url + "/v1/grade/batch", json={"items": items}, headers=system)
        assert batch.status_code == 200
        ids["batch"] = batch.json()["decision_id"]
        gate = json.loads((CASES / "gates_public_input.jsonl").read_text(encoding="utf-8").splitlines()[0])
        assert httpx.post(live.url + "/v1/gates/check", json=gate, headers=system).status_code == 200
    return {"db": db, "ids": ids}


@pytest.fixture
def candidate(rules_copy: Path) -> Path:
    grading = rules_copy / "grading.yaml"
    text = grading.read_text(encoding="utf-8").replace("threshold: 40", "threshold: 30")
    text = text.replace(
        "minor_customization: {label: 少量定制, points: 4}", "minor_customization: {label: 小定制, points: 4}"
    )
    grading.write_text(
        text.replace("new_entry: {label: 首次入网, points: 10}", "new_entry: {label: 首次入网, points: 11}"),
        encoding="utf-8",
    )
    return rules_copy


def test_replay_lists_exactly_the_changed_decisions(logged: dict, candidate: Path, tmp_path: Path) -> None:
    out = tmp_path / "replay"
    env = {"GRADEGATE_DB_PATH": str(logged["db"])}
    result = run_cli("replay", "--rules", candidate, "-o", out, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"变化 → {out / 'changes.csv'}；summary.csv、invalid.csv、replay.html 在同一文件夹\n"
    ids = logged["ids"]
    changes = _read(out / "changes.csv")
    assert list(changes[0]) == ["decision_id", "route", "subject_id", "before", "after", "before_total", "after_total"]
    got = {(c["decision_id"], c["subject_id"]): c for c in changes}
    expected = {(ids["T33"], "T33"), (ids["T33-again"], "T33-again"), (ids["T39"], "T39"), (ids["batch"], "B1")}
    assert set(got) == expected
    assert got[(ids["T33"], "T33")] | {} == {
        "decision_id": ids["T33"], "route": "/v1/grade", "subject_id": "T33",
        "before": "office", "after": "company", "before_total": "33", "after_total": "34",
    }  # fmt: skip
    assert got[(ids["T39"], "T39")]["after_total"] == "39"
    # the batch item refused then is still refused: invalid → invalid is no change, so B2 is not listed
    assert got[(ids["batch"], "B1")]["after"] == "company"
    assert any(i["subject_id"] == "B2" and i["field"] == "amount_rmb" for i in _read(out / "invalid.csv"))
    summary = {row["route"]: row for row in _read(out / "summary.csv")}
    grade = summary["/v1/grade"]
    assert (grade["replayed"], grade["changed"], grade["up"], grade["down"], grade["invalid"]) == (
        "6",
        "3",
        "3",
        "0",
        "1",
    )
    assert grade["unchanged"] == "2"
    assert "/v1/grade: 重放 6 · 未变 2 · 变化 3（升 3，降 0）· 无效 1" in result.stdout.splitlines()
    assert "tech_maturity unknown_value ×1" in grade["invalid_reasons"]
    # mean delta over the 5 gradings valid before and after: network new_entry +1 for T33 and T33-again
    assert float(grade["mean_delta_network"]) == pytest.approx(2 / 5)
    assert float(grade["mean_delta_amount"]) == 0
    invalid = _read(out / "invalid.csv")
    assert {(i["subject_id"], i["field"], i["reason"]) for i in invalid} >= {
        ("T-MINOR", "tech_maturity", "unknown_value")
    }
    assert summary["/v1/gates/check"]["replayed"] == "1" and summary["/v1/gates/check"]["changed"] == "0"
    page = (out / "replay.html").read_text(encoding="utf-8")
    assert "T33-again" in page and "T-MINOR" in page and "Content-Security-Policy" in page


def test_replay_filters_by_route_and_period(logged: dict, candidate: Path, tmp_path: Path) -> None:
    env = {"GRADEGATE_DB_PATH": str(logged["db"])}
    only = run_cli("replay", "--rules", candidate, "-o", tmp_path / "a", "--route", "/v1/gates/check", env=env)
    assert only.returncode == 0, only.stderr
    assert [r["route"] for r in _read(tmp_path / "a" / "summary.csv")] == ["/v1/gates/check"]
    future = run_cli("replay", "--rules", candidate, "-o", tmp_path / "b", "--since", "2099-01-01", env=env)
    assert future.returncode == 0 and future.stdout.strip() == "该期间没有记录的决策"
    assert _read(tmp_path / "b" / "changes.csv") == []
    past = run_cli("replay", "--rules", candidate, "-o", tmp_path / "c", "--until", "2020-01-01", env=env)
    assert past.returncode == 0 and _read(tmp_path / "c" / "summary.csv") == []
    bad = run_cli("replay", "--rules", candidate, "-o", tmp_path / "d", "--since", "soon", env=env)
    assert bad.returncode == 1
    assert bad.stderr == '错误：--since: "soon" 不是日期；请填写 YYYY-MM-DD（中国标准时间）\n'


def test_a_broken_candidate_is_refused(logged: dict, rules_copy: Path, tmp_path: Path) -> None:
    (rules_copy / "grading.yaml").write_text("name: x\n", encoding="utf-8")
    result = run_cli(
        "replay", "--rules", rules_copy, "-o", tmp_path / "r", env={"GRADEGATE_DB_PATH": str(logged["db"])}
    )
    assert result.returncode == 1 and "grading.yaml" in result.stderr
    assert not (tmp_path / "r").exists()
