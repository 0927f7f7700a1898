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
    ("row", "field", "reason", "zh", "en"),
    [
        ("E3,王芳,legal_signatory,*,*,maybe,1", "roster.csv line 4.available", "wrong_type",
         '是否可用: "maybe" 不是 true 或 false（也可填 yes/no、1/0、是/否）',
         "available: 'maybe' is not true or false (also yes/no, 1/0, 是/否)"),
        ("E3,王芳,legal_signatory,*,*,true,-1", "roster.csv line 4.current_load", "out_of_range",
         '当前负载: "-1" 小于 0；请填写 ≥ 0 的整数，如 3', "current_load: '-1' is below 0; give a whole number ≥ 0"),
        ("E3,王芳,legal_signatory,*,*,true,1.5", "roster.csv line 4.current_load", "not_an_integer",
         '当前负载: "1.5" 不是整数', "current_load: '1.5' is not a whole number"),
        ("E3,王芳,cfo_signatory,*,*,true,1", "roster.csv line 4.roles", "unknown_value",
         '权签角色: "cfo_signatory" 不是规则中的权签角色；可选角色：sales_mgmt_signatory',
         "roles: unknown role 'cfo_signatory'"),
        ("E3,王芳,,*,*,true,1", "roster.csv line 4.roles", "missing",
         "权签角色为必填项：请填写以 ; 分隔的名称", "roles is required: give `;`-separated names"),
        ("E3,王芳,legal_signatory,,*,true,1", "roster.csv line 4.regions", "missing",
         "地区部为必填项：请填写以 ; 分隔的名称，或用 * 表示全部",
         "regions is required: give `;`-separated names or * for all"),
        ("E3,王芳,*,*,*,true,1", "roster.csv line 4.roles", "unknown_value",
         "权签角色不能填 *；请逐一写明", "roles: * is not allowed here; name them"),
        ("E3,王芳,legal_signatory,*, ; ,true,1", "roster.csv line 4.product_lines", "missing",
         "产品线为空：请填写以 ; 分隔的名称，或用 * 表示全部", "product_lines is empty: give `;`-separated names"),
        ("E1,王芳,legal_signatory,*,*,true,1", "roster.csv line 4.expert_id", "duplicate",
         '专家编号 "E1" 重复出现；每位专家只能列一次', "expert_id 'E1' is listed twice"),
        (",王芳,legal_signatory,*,*,true,1", "roster.csv line 4.expert_id", "missing",
         "专家编号为必填项", "expert_id is required"),
    ],
)  # fmt: skip
def test_malformed_csv_rows_are_named(tmp_path: Path, row: str, field: str, reason: str, zh: str, en: str) -> None:
    """Each bad cell: its row as the spreadsheet shows it and the column's Chinese label; English on request."""
    with pytest.raises(InputError) as exc:
        Roster.from_csv(write(tmp_path, HEADER + GOOD + row + "\n"), known_roles=ROLES)
    found = {i.field: i for i in exc.value.issues}
    assert found[field].reason == reason
    assert found[field].message.startswith(f"roster.csv 第 4 行: {zh}"), found[field].message
    assert found[field].in_language("en").startswith(f"roster.csv line 4: {en}"), found[field].message_en


def test_missing_column_and_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        Roster.from_csv(write(tmp_path, "expert_id,name,roles,regions,product_lines,current_load\nE1,a,b,*,*,0\n"))
    assert [(i.field, i.reason) for i in exc.value.issues] == [("available", "missing")]
    missing = exc.value.issues[0]
    assert missing.message == (
        "roster.csv: 缺少列 available（是否可用）；名册须有以下列：expert_id, name, roles, regions, product_lines, "
        "available, current_load"
    )
    assert missing.in_language("en").startswith("roster.csv: column 'available' is missing")
    with pytest.raises(InputError) as exc:
        Roster.from_csv(tmp_path / "nowhere.csv")
    nowhere = exc.value.issues[0]
    assert (nowhere.field, nowhere.reason) == ("roster", "missing")
    assert nowhere.message == f"名册文件 {tmp_path / 'nowhere.csv'} 不存在"
    assert nowhere.in_language("en").startswith("cannot read the roster: [Errno 2] No such file or directory")
    with pytest.raises(InputError) as exc:
        Roster.from_csv(write(tmp_path, HEADER))
    assert exc.value.issues[0].message == "名册 roster.csv 中没有任何专家"
    assert exc.value.issues[0].in_language("en") == "roster.csv: the roster holds no expert"


def test_a_roster_not_in_utf8(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes((HEADER + "E1,张伟,legal_signatory,*,*,true,0\n").encode("gb18030"))
    with pytest.raises(InputError) as exc:
        Roster.from_csv(path)
    found = exc.value.issues[0]
    assert (found.field, found.reason) == ("roster", "malformed")
    assert found.message == f"roster.csv: 不是 UTF-8 文本（第 {len(HEADER) + 3} 字节）；请将名册另存为 UTF-8 CSV"
    assert found.in_language("en").startswith("roster.csv is not a UTF-8 CSV: 'utf-8' codec can't decode")


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
    messages = [(i.message, i.in_language("en")) for i in exc.value.issues]
    assert messages == [
        ('名册第 1 项: 权签角色: "legal_signatory" 不是名称的 JSON 数组',
         "roster[0]: roles: 'legal_signatory' is not a JSON array of names"),
        ('名册第 1 项: 是否可用: "true" 不是 true 或 false', "roster[0]: available: 'true' is not true or false"),
        ("名册第 1 项: 当前负载: True 不是数字；请填写 ≥ 0 的整数，如 3",
         "roster[0]: current_load: True is not a number; give a whole number ≥ 0, such as 3"),
    ]  # fmt: skip


def test_inline_entry_with_a_misspelled_key_is_refused_with_did_you_mean() -> None:
    """An inline roster is JSON a program wrote: a key it does not know is a typo to name, not to ignore."""
    good = {"expert_id": "E1", "name": "a", "roles": ["legal_signatory"], "regions": ["*"], "product_lines": ["*"]}
    with pytest.raises(InputError) as exc:
        Roster.from_records([{**good, "available": True, "current_lod": 0}])
    assert [(i.field, i.value, i.reason) for i in exc.value.issues] == [
        ("roster[0].current_lod", 0, "unknown_field"),
        ("roster[0].current_load", None, "missing"),
    ]
    typo = exc.value.issues[0]
    columns = ", ".join(ROSTER_COLUMNS)
    assert typo.message == f"名册第 1 项: 未知字段 current_lod（是否为 current_load？）；可用字段：{columns}"
    assert typo.in_language("en") == "roster[0]: unknown field 'current_lod' (did you mean 'current_load'?)"
    assert typo.accepted == columns
    # Every key right: the same entry is an expert.
    assert Roster.from_records([{**good, "available": True, "current_load": 0}]).experts[0].expert_id == "E1"


@pytest.mark.parametrize(
    ("records", "field", "zh", "en"),
    [
        ({"E1": {}}, "roster", "名册必须是专家对象的列表", "roster must be a list of experts"),
        ([{}, "E2"], "roster[1]", "名册第 2 项必须是 JSON 对象（一位专家）", "roster[1] must be an object"),
        ([], "roster", "名册 roster 中没有任何专家", "roster: the roster holds no expert"),
    ],
)
def test_inline_roster_shapes(records: object, field: str, zh: str, en: str) -> None:
    with pytest.raises(InputError) as exc:
        Roster.from_records(records)
    found = exc.value.issues[0]
    assert (found.field, found.message, found.in_language("en")) == (field, zh, en)


def test_roster_roles_unknown_to_the_rules() -> None:
    """A roster read without the rules' roles is checked when it is used: the role is named in both languages."""
    from gradegate.scoring.reviewers.ruleset import roster_role_issues

    good = {"expert_id": "E1", "name": "a", "roles": ["ceo_signatory"], "regions": ["*"], "product_lines": ["*"]}
    roster = Roster.from_records([{**good, "available": True, "current_load": 0}])
    (found,) = roster_role_issues(roster, frozenset(ROLES))
    assert (found.field, found.value, found.reason) == ("roster.E1.roles", "ceo_signatory", "unknown_value")
    assert found.message.startswith('名册 roster 中专家 E1 的权签角色 "ceo_signatory" 不是规则中的角色；可选角色：')
    assert found.in_language("en") == "roster: expert E1 holds unknown role 'ceo_signatory'"


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
    lines = proc.stderr.splitlines()
    assert lines == [
        f"错误：名册 {path} 无法使用；未处理任何请求：",
        '  roster.csv 第 4 行: 是否可用: "maybe" 不是 true 或 false（也可填 yes/no、1/0、是/否）',
        '  roster.csv 第 4 行: 当前负载: "-2" 小于 0；请填写 ≥ 0 的整数，如 3',
    ], proc.stderr


def test_cli_with_a_roster_that_is_not_there(tmp_path: Path) -> None:
    proc = run_cli("reviewers", "-", "--roster", tmp_path / "none.csv", input="")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"错误：名册 {tmp_path / 'none.csv'} 无法使用；未处理任何请求：",
        f"  名册文件 {tmp_path / 'none.csv'} 不存在",
    ], proc.stderr
