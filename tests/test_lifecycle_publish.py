"""Publishing rule bundles through the real CLI: refused when anything fails, immutable,
idempotent, listed, diffed, and used by `--as-of`."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.helpers import CASES, RULES, run_cli


@pytest.fixture
def db_env(tmp_path: Path) -> dict[str, str]:
    return {"GRADEGATE_DB_PATH": str(tmp_path / "g.db"), "GRADEGATE_DATABASE_URL": ""}


def _bundle_count(env: dict[str, str]) -> int:
    with sqlite3.connect(env["GRADEGATE_DB_PATH"]) as conn:
        return conn.execute("SELECT count(*) FROM gradegate_rule_bundles").fetchone()[0]


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _published_hash(stdout: str) -> str:
    match = re.search(r"\((sha256:[0-9a-f]{64})\)", stdout)
    assert match, stdout
    return match.group(1)


def test_publish_is_stored_once_and_listed(db_env: dict[str, str]) -> None:
    first = run_cli("rules", "publish", "--effective-from", "2026-01-01", "--by", "李分析", env=db_env)
    assert first.returncode == 0, first.stderr
    assert "2026-01-01 起生效，发布人 李分析" in first.stdout and "场景：通过 " in first.stdout
    again = run_cli("rules", "publish", "--effective-from", "2026-02-01", env=db_env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("已发布过：规则包 ") and again.stdout.strip().endswith("；未存储新内容")
    assert _bundle_count(db_env) == 1
    history = run_cli("rules", "history", env=db_env)
    assert history.returncode == 0
    short = _published_hash(first.stdout).removeprefix("sha256:")[:12]
    assert short in history.stdout and "2026-01-01" in history.stdout and "李分析" in history.stdout
    assert "grading.yaml 2026.11-1" in history.stdout and "生效中" in history.stdout
    # every file's content is stored, scenarios included
    with sqlite3.connect(db_env["GRADEGATE_DB_PATH"]) as conn:
        files = json.loads(conn.execute("SELECT files FROM gradegate_rule_bundles").fetchone()[0])
    assert files["grading.yaml"] == (RULES / "grading.yaml").read_text(encoding="utf-8")
    assert "scenarios/grading.yaml" in files


def test_failing_scenarios_and_broken_files_refuse_the_publish(db_env: dict[str, str], rules_copy: Path) -> None:
    _edit(rules_copy, "grading.yaml", "threshold: 40", "threshold: 45")
    _edit(
        rules_copy,
        "gates.yaml",
        "required: submitted, owner: project_director}",
        "required: sumbitted, owner: project_director}",
    )
    result = run_cli("rules", "publish", "--rules", rules_copy, env=db_env)
    assert result.returncode == 1
    assert result.stderr.startswith(f"错误：{rules_copy} 未发布；未存储任何内容：\n")
    assert "gates.yaml" in result.stderr and "sumbitted" in result.stderr
    assert not Path(db_env["GRADEGATE_DB_PATH"]).exists() or _bundle_count(db_env) == 0

    _edit(rules_copy, "gates.yaml", "sumbitted", "submitted")
    result = run_cli("rules", "publish", "--rules", rules_copy, env=db_env)
    assert result.returncode == 1
    assert "total 40 is company-level, exactly at the threshold (grading)" in result.stderr
    assert "level: 应为 company，实为 office" in result.stderr
    assert re.search(r"\n  场景：通过 \d+ · 失败 3\n$", result.stderr)
    assert not Path(db_env["GRADEGATE_DB_PATH"]).exists() or _bundle_count(db_env) == 0


def test_other_content_under_a_published_version_is_refused(db_env: dict[str, str], rules_copy: Path) -> None:
    assert run_cli("rules", "publish", env=db_env).returncode == 0
    _edit(rules_copy, "grading.yaml", "important: {label: 重要, points: 8}", "important: {label: 重要项目, points: 8}")
    result = run_cli("rules", "publish", "--rules", rules_copy, env=db_env)
    assert result.returncode == 1
    assert "grading.yaml version 2026.11-1 is already published with other content" in result.stderr
    assert _bundle_count(db_env) == 1
    _edit(rules_copy, "grading.yaml", 'version: "2026.11-1"', 'version: "2026.12-1"')
    ok = run_cli("rules", "publish", "--rules", rules_copy, "--effective-from", "2026-12-01", env=db_env)
    assert ok.returncode == 0, ok.stderr
    assert _bundle_count(db_env) == 2


def test_diff_between_folders_and_between_bundles(db_env: dict[str, str], rules_copy: Path) -> None:
    old = run_cli("rules", "publish", "--effective-from", "2026-01-01", env=db_env)
    _edit(rules_copy, "grading.yaml", 'version: "2026.11-1"', 'version: "2026.12-1"')
    _edit(rules_copy, "grading.yaml", "general: {label: 一般, points: 2}", "general: {label: 一般, points: 5}")
    _edit(rules_copy, "grading.yaml", "threshold: 40", "threshold: 42")
    _edit(
        rules_copy,
        "gates.yaml",
        "- {deliverable: cmt, required: approved, owner: project_director}",
        "- {deliverable: cmt, required: submitted, owner: project_director}",
    )
    _edit(
        rules_copy,
        "reviewers.yaml",
        "technical_terms: {label: 技术条款, adds: [rnd_signatory]}",
        "technical_terms: {label: 技术条款, adds: [rnd_signatory, ip_signatory]}",
    )
    by_folder = run_cli("rules", "diff", RULES, rules_copy)
    assert by_folder.returncode == 0, by_folder.stderr
    assert (
        "grading: version 2026.11-1 → 2026.12-1; threshold 40 → 42; strategic.general points 2 → 5" in by_folder.stdout
    )
    assert "gates: R3.cmt required approved → submitted" in by_folder.stdout
    assert "reviewers: clauses.technical_terms adds [rnd_signatory] → [rnd_signatory, ip_signatory]" in by_folder.stdout
    # the scenarios no longer hold under the new threshold: publish through the store's own rules is refused,
    # so the diff between bundles uses two folders that do publish.
    second = rules_copy.parent / "second"
    shutil.copytree(RULES, second)
    _edit(second, "grading.yaml", 'version: "2026.11-1"', 'version: "2026.11-2"')
    _edit(
        second, "grading.yaml", "minor_share: {label: 份额较小, points: 6}", "minor_share: {label: 份额较小, points: 7}"
    )
    _edit(second, "scenarios/grading.yaml", "network minor_share scores 6", "network minor_share scores 7")
    _edit(
        second,
        "scenarios/grading.yaml",
        "network_position: minor_share}\n  expect: {total_score: 16}",
        "network_position: minor_share}\n  expect: {total_score: 17}",
    )
    _edit(
        second,
        "scenarios/grading.yaml",
        "expect: {total_score: 39, level: office, margin: -1}",
        "expect: {total_score: 40, level: company, margin: 0}",
    )
    new = run_cli("rules", "publish", "--rules", second, "--effective-from", "2026-06-01", env=db_env)
    assert new.returncode == 0, new.stderr
    a, b = _published_hash(old.stdout), _published_hash(new.stdout)
    by_hash = run_cli("rules", "diff", a[7:19], b, env=db_env)
    assert by_hash.returncode == 0, by_hash.stderr
    assert "grading: version 2026.11-1 → 2026.11-2; network.minor_share points 6 → 7" in by_hash.stdout
    assert run_cli("rules", "diff", a, a, env=db_env).stdout.strip() == "无变化"
    unknown = run_cli("rules", "diff", "feedbeef", b, env=db_env)
    assert unknown.returncode == 1
    assert unknown.stderr == "错误：'feedbeef' 既不是规则文件夹，也不是已发布规则包的哈希（或唯一的哈希前缀）\n"


def test_as_of_decides_under_the_bundle_of_that_day(db_env: dict[str, str], rules_copy: Path, tmp_path: Path) -> None:
    before = run_cli(
        "grade", CASES / "grading_public_input.csv", "-o", tmp_path / "x.csv", "--as-of", "2026-01-01", env=db_env
    )
    assert before.returncode == 1
    url = f"sqlite:///{db_env['GRADEGATE_DB_PATH']}"
    assert before.stderr == (
        f"错误：--as-of 2026-01-01: {url} 中当天没有生效的规则包；尚未发布任何规则包（gradegate rules publish）\n"
    )
    assert run_cli("rules", "publish", "--effective-from", "2026-01-01", env=db_env).returncode == 0
    _edit(rules_copy, "gates.yaml", 'version: "2026.11-1"', 'version: "2026.12-1"')
    assert (
        run_cli("rules", "publish", "--rules", rules_copy, "--effective-from", "2026-03-01", env=db_env).returncode == 0
    )

    line = (CASES / "gates_public_input.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n"
    for day, version in (("2026-01-01", "2026.11-1"), ("2026-02-28", "2026.11-1"), ("2026-03-01", "2026.12-1")):
        out = run_cli("gate-check", "-", "--as-of", day, input=line, env=db_env)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["ruleset"]["version"] == version, day
    early = run_cli("gate-check", "-", "--as-of", "2025-12-31", input=line, env=db_env)
    assert early.returncode == 1
    assert early.stderr == f"错误：--as-of 2025-12-31: {url} 中当天没有生效的规则包；第一个规则包自 2026-01-01 起生效\n"
    bad = run_cli("reviewers", "-", "--as-of", "31/12/2025", input="{}\n", env=db_env)
    assert bad.returncode == 1
    assert bad.stderr == '错误：--as-of: "31/12/2025" 不是日期；请填写 YYYY-MM-DD（中国标准时间）\n'
    both = run_cli("gate-check", "-", "--as-of", "2026-01-01", "--rules", rules_copy, input=line, env=db_env)
    assert both.returncode == 1
    assert both.stderr == "错误：--rules 与 --as-of 只能选一个：--as-of 按当天生效的已发布规则包决策\n"
    graded = run_cli(
        "grade", CASES / "grading_public_input.csv", "-o", tmp_path / "g.csv", "--as-of", "2026-02-01", env=db_env
    )
    assert graded.returncode in (0, 3), graded.stderr
    assert "规则 default-grading 2026.11-1" in graded.stderr


def test_decide_as_of_uses_the_table_of_that_days_bundle(
    db_env: dict[str, str], rules_copy: Path, tmp_path: Path
) -> None:
    """A decision table changed in a later bundle: `decide --as-of` answers under the table in force that day."""
    assert run_cli("rules", "publish", "--effective-from", "2026-01-01", env=db_env).returncode == 0
    _edit(rules_copy, "tables/price_review.yaml", 'version: "1.0"', 'version: "2.0"')
    _edit(rules_copy, "tables/price_review.yaml", "100000", "200000")
    # The scenario that pins the old edge would refuse the publish (it does: see the lifecycle docs); moved with it.
    _edit(rules_copy, "scenarios/tables.yaml", "quote_rmb: 100000.01", "quote_rmb: 200000.01")
    published = run_cli("rules", "publish", "--rules", rules_copy, "--effective-from", "2026-03-01", env=db_env)
    assert published.returncode == 0, published.stderr
    line = json.dumps({"quote_id": "Q1", "quote_rmb": 150000}) + "\n"
    for day, chair, version in (("2026-02-28", "ops_center", "1.0"), ("2026-03-01", "tech_dept_head", "2.0")):
        out = run_cli("decide", "price_review", "-", "--as-of", day, input=line, env=db_env)
        assert out.returncode == 0, out.stderr
        answer = json.loads(out.stdout)
        assert (answer["outputs"]["chair"], answer["ruleset"]["version"]) == (chair, version), day


@pytest.mark.parametrize("text", ["20261201", "2026-W49-1", "2026-336", "2026-12-1", "2026/12/01", "2026-12-01T08:00"])
def test_a_day_is_yyyy_mm_dd_and_nothing_else(text: str) -> None:
    """`?as_of=YYYY-MM-DD` and `--as-of DATE` (interfaces.md): Python's fromisoformat alone would read the
    basic (20261201), week and ordinal forms as days too."""
    from datetime import date

    from gradegate.scoring import parse_day

    with pytest.raises(ValueError) as exc:
        parse_day(text, "as_of")
    assert str(exc.value) == f"as_of: {text!r} is not a date; give YYYY-MM-DD (a day in China Standard Time)"
    assert parse_day(" 2026-12-01 ", "as_of") == date(2026, 12, 1)


def test_publish_refuses_an_effective_day_not_written_yyyy_mm_dd(db_env: dict[str, str]) -> None:
    bad = run_cli("rules", "publish", "--effective-from", "20260101", env=db_env)
    assert bad.returncode == 1
    assert bad.stderr.strip() == '错误：--effective-from: "20260101" 不是日期；请填写 YYYY-MM-DD（中国标准时间）'


def test_diff_says_what_was_added_removed_and_reordered_in_chinese() -> None:
    """The rule files' own keys and codes, the words around them Chinese (people.md)."""
    from gradegate.scoring import diff_files

    before = {
        "gates.yaml": "gates:\n  - {code: R1, label: a}\n  - {code: R2, label: b}\nflags: [bid]\nowner: null\n",
        "tables/old.yaml": "code: old\n",
        "scenarios/s.yaml": "- {name: a}\n",
        "grading.yaml": "threshold: 40 # forty\n",
    }
    after = {
        "gates.yaml": "gates:\n  - {code: R2, label: b}\n  - {code: R1, label: a}\n  - {code: R3, label: c}\nowner: pd\n",
        "tables/new.yaml": "code: new\n",
        "scenarios/s.yaml": "- {name: a}\n- {name: b}\n",
        "grading.yaml": "threshold: 40 # still forty\n",
    }
    assert diff_files(before, after) == [
        "gates: R3 新增：{code: R3, label: c}; 列表 顺序改变; flags 已删除; owner （无） → pd",
        "grading: 仅注释或排版变化",
        "scenarios/s: 1 个场景 → 2 个场景",
        "tables/new: 新增文件",
        "tables/old: 文件已删除",
    ]
