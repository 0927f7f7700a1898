"""The roster: CSV and inline forms, each malformation named by row, field and value; the sample roster."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from gradegate.scoring.errors import InputError
from gradegate.scoring.reviewers.model import ReviewerRules
from gradegate.scoring.reviewers.roster import ROSTER_COLUMNS, Roster
from gradegate.scoring.rulefile import load_rule_file
from tests.helpers import DATA, RULES, run_cli

GOOD = (
    "E1,张伟,sales_mgmt_signatory;finance_signatory,*,*,true,0\n"
    "E2,李娜,legal_signatory,华北地区部;华东地区部,宽带,FALSE,3\n"
)
HEADER = ",".join(ROSTER_COLUMNS) + "\n"
ROLES = list(
    load_rule_file(RULES / "reviewers.yaml", "reviewers", ReviewerRules, checks=ReviewerRules.problems)[0].roles
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_roster_reads_sets_and_wildcards(tmp_path: Path) -> None:
    roster = Roster.from_csv(write(tmp_path, HEADER + GOOD), known_roles=ROLES)
    e1, e2 = roster.experts
    assert e1.roles == {"sales_mgmt_signatory", "finance_signatory"} and e1.regions is None and e1.available
    assert e2.regions == {"华北地区部", "华东地区部"} and e2.product_lines == {"宽带"} and not e2.available
    assert e2.covers("华北地区部", frozenset({"宽带", "CA系统"})) == (True, True)
    assert e2.covers("华南地区部", frozenset({"CA系统"})) == (False, False)
    assert [e.expert_id for e in roster.by_role["legal_signatory"]] == ["E2"]


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("E3,王芳,legal_signatory,*,*,maybe,1", "roster.csv line 4.available", "wrong_type"),
        ("E3,王芳,legal_signatory,*,*,true,-1", "roster.csv line 4.current_load", "out_of_range"),
        ("E3,王芳,legal_signatory,*,*,true,1.5", "roster.csv line 4.current_load", "not_an_integer"),
        ("E3,王芳,cfo_signatory,*,*,true,1", "roster.csv line 4.roles", "unknown_value"),
        ("E3,王芳,,*,*,true,1", "roster.csv line 4.roles", "missing"),
        ("E3,王芳,legal_signatory,,*,true,1", "roster.csv line 4.regions", "missing"),
        ("E1,王芳,legal_signatory,*,*,true,1", "roster.csv line 4.expert_id", "duplicate"),
        (",王芳,legal_signatory,*,*,true,1", "roster.csv line 4.expert_id", "missing"),
    ],
)
def test_malformed_csv_rows_are_named(tmp_path: Path, row: str, field: str, reason: str) -> None:
    with pytest.raises(InputError) as exc:
        Roster.from_csv(write(tmp_path, HEADER + GOOD + row + "\n"), known_roles=ROLES)
    found = {i.field: i for i in exc.value.issues}
    assert found[field].reason == reason
    assert found[field].message.startswith("roster.csv line 4")


def test_missing_column_and_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        Roster.from_csv(write(tmp_path, "expert_id,name,roles,regions,product_lines,current_load\nE1,a,b,*,*,0\n"))
    assert [(i.field, i.reason) for i in exc.value.issues] == [("available", "missing")]
    with pytest.raises(InputError):
        Roster.from_csv(tmp_path / "nowhere.csv")
    with pytest.raises(InputError) as exc:
        Roster.from_csv(write(tmp_path, HEADER))
    assert "no expert" in exc.value.issues[0].message


def test_inline_records_need_json_types() -> None:
    good = {"expert_id": "E1", "name": "a", "roles": ["legal_signatory"], "regions": ["*"], "product_lines": ["宽带"]}
    roster = Roster.from_records([{**good, "available": True, "current_load": 2}])
    assert roster.experts[0].regions is None and roster.experts[0].product_lines == {"宽带"}
    with pytest.raises(InputError) as exc:
        Roster.from_records([{**good, "roles": "legal_signatory", "available": "true", "current_load": True}])
    found = {i.field: i.reason for i in exc.value.issues}
    assert found == {
        "roster[0].roles": "wrong_type",
        "roster[0].available": "wrong_type",
        "roster[0].current_load": "wrong_type",
    }
    with pytest.raises(InputError):
        Roster.from_records({"E1": good})


def test_sample_roster_covers_every_role() -> None:
    roster = Roster.from_csv(DATA / "experts.csv", known_roles=ROLES)
    assert len(roster) >= 40
    assert set(ROLES) <= roster.roles
    assert any(not e.available for e in roster.experts)
    assert any(e.regions is not None for e in roster.experts)
    assert any(e.product_lines is not None for e in roster.experts)
    for role in ROLES:  # each role can be filled anywhere, for any product line, by someone available
        assert any(e.available and e.regions is None and e.product_lines is None for e in roster.by_role[role]), role


def test_sample_roster_is_what_the_generator_writes(tmp_path: Path) -> None:
    target = tmp_path / "experts.csv"
    subprocess.run([sys.executable, str(DATA / "make_experts.py"), str(target)], check=True)
    assert target.read_bytes() == (DATA / "experts.csv").read_bytes()
    header = next(csv.reader(target.read_text(encoding="utf-8").splitlines()))
    assert tuple(header) == ROSTER_COLUMNS


def test_cli_refuses_a_malformed_roster(tmp_path: Path, cases_dir: Path) -> None:
    path = write(tmp_path, HEADER + GOOD + "E3,王芳,legal_signatory,*,*,maybe,-2\n")
    proc = run_cli("reviewers", cases_dir / "reviewers_public_input.jsonl", "--roster", path)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "roster.csv line 4" in proc.stderr and "'maybe'" in proc.stderr and "Traceback" not in proc.stderr
