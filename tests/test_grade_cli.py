"""`gradegate grade` as users run it: exit codes, the errors file, counts, atomic output, --rules."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from gradegate.scoring.files import atomic_path
from tests.helpers import CASES, DATA, run_cli


def test_sample_is_graded_with_bad_rows_reported(tmp_path: Path) -> None:
    out = tmp_path / "graded.csv"
    result = run_cli("grade", DATA / "sample_projects.csv", "-o", out)
    assert result.returncode == 3, result.stderr  # some rows rejected, the rest graded
    errors_path = tmp_path / "graded.errors.csv"
    assert f"被拒记录 → {errors_path}" in result.stderr
    graded = pd.read_csv(out, dtype=str)
    errors = pd.read_csv(errors_path, dtype=str)
    source = pd.read_csv(DATA / "sample_projects.csv", dtype=str)
    # every input row is either graded or rejected, never both, never lost
    graded_rows = set(graded["row"].astype(int))
    rejected_rows = set(errors["row"].astype(int))
    assert graded_rows.isdisjoint(rejected_rows)
    assert graded_rows | rejected_rows == set(range(1, len(source) + 1))
    assert f"读取 {len(source):,} · 已评定 {len(graded_rows):,} · 被拒 {len(rejected_rows):,}" in result.stderr
    assert list(errors.columns) == ["row", "line", "project_id", "field", "value", "reason", "message"]
    # `line` is the line a spreadsheet shows: the header is line 1, record N is line N + 1
    assert (errors["line"].astype(int) == errors["row"].astype(int) + 1).all()
    assert errors["message"].str.contains("[\u4e00-\u9fff]").all()  # people read Chinese
    assert set(graded["level_label"]) <= {"公司级", "办事处级"}


def test_json_lines_with_unreadable_lines(tmp_path: Path) -> None:
    good = pd.read_csv(CASES / "grading_public_input.csv", dtype=str, keep_default_na=False).iloc[0].to_dict()
    lines = [json.dumps(good, ensure_ascii=False), "{not json", "[1, 2]", "", json.dumps({**good, "project_id": "Z"})]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, errs = tmp_path / "out.xlsx", tmp_path / "errs.csv"
    result = run_cli("grade", source, "-o", out, "--errors", errs)
    assert result.returncode == 3
    graded = pd.read_excel(out, dtype=str)  # the workbook's headers are Chinese
    assert list(graded["项目编号"]) == [good["project_id"], "Z"]
    assert list(graded["行号"]) == ["1", "5"]  # line numbers of the file
    errors = pd.read_csv(errs, dtype=str)
    assert list(errors["row"]) == ["2", "3"] and set(errors["reason"]) == {"malformed"}
    assert list(errors["line"]) == ["2", "3"]  # for JSON lines, the line is the line number
    assert "第 2 行不是有效的 JSON" in errors.iloc[0]["message"] and "不是对象" in errors.iloc[1]["message"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["grade", "missing.csv", "-o", "{tmp}/o.csv"], "missing.csv: 文件不存在"),
        (
            ["grade", "{cases}/grading_public_input.csv", "-o", "{tmp}/o.pdf"],
            "{tmp}/o.pdf: 评定结果只能写为 .csv 或 .xlsx",
        ),
        (
            ["grade", "{tmp}/in.parquet", "-o", "{tmp}/o.csv"],
            "{tmp}/in.parquet: 无法识别的文件类型 '.parquet'；请使用 .csv、.xlsx 或 .jsonl",
        ),
        (
            ["grade", "{cases}/grading_public_input.csv", "-o", "{tmp}/o.csv", "--rules", "{tmp}/nowhere"],
            "规则文件无效；未运行任何决策：\n  {tmp}/nowhere: not a folder",
        ),
    ],
)
def test_unusable_input_fails_cleanly(tmp_path: Path, args: list[str], words: str) -> None:
    args = [a.format(tmp=tmp_path, cases=CASES) for a in args]
    result = run_cli(*args)
    assert result.returncode == 1
    assert result.stderr.startswith("错误：" + words.format(tmp=tmp_path)) and "Traceback" not in result.stderr
    assert not (tmp_path / "o.csv").exists()


def test_a_failed_run_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "graded.csv"
    out.write_text("previous run\n", encoding="utf-8")
    broken = tmp_path / "broken.csv"
    header = (CASES / "grading_public_input.csv").read_text(encoding="utf-8").splitlines()[0]
    broken.write_text(header + "\n" + "P1,x\n" + "a,b,c," * 30 + "\n", encoding="utf-8")
    result = run_cli("grade", broken, "-o", out)
    assert result.returncode == 1 and f"{broken}: 无法作为 CSV 文件读取：" in result.stderr
    assert out.read_text(encoding="utf-8") == "previous run\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_atomic_path_discards_partial_output(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_changed_weight_in_a_rule_file_changes_the_grade(rules_copy: Path, tmp_path: Path) -> None:
    """An analyst raises 一般 (general strategic status) from 2 to 12 points: general projects scoring 30–39 become
    company-level, nothing else moves."""
    before = tmp_path / "before.csv"
    after = tmp_path / "after.csv"
    assert run_cli("grade", CASES / "grading_public_input.csv", "-o", before).returncode == 0
    path = rules_copy / "grading.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("general: {label: 一般, points: 2}", "general: {label: 一般, points: 12}"), "utf-8")
    result = run_cli("grade", CASES / "grading_public_input.csv", "-o", after, "--rules", rules_copy)
    assert result.returncode == 0, result.stderr
    old = pd.read_csv(before).set_index("project_id")
    new = pd.read_csv(after).set_index("project_id")
    general = old["points_strategic"] == 2
    assert general.any()
    assert (new.loc[general, "points_strategic"] == 12).all()
    assert (new.loc[general, "total_score"] == old.loc[general, "total_score"] + 10).all()
    assert (new.loc[~general, "total_score"] == old.loc[~general, "total_score"]).all()
    flipped = general & old["total_score"].between(30, 39)
    assert flipped.any()
    assert (old.loc[flipped, "computed_level"] == "office").all()
    assert (new.loc[flipped, "computed_level"] == "company").all()
    assert (new.loc[~flipped, "computed_level"] == old.loc[~flipped, "computed_level"]).all()
    assert new["ruleset_hash"].iloc[0] != old["ruleset_hash"].iloc[0]


def test_help_lists_every_option() -> None:
    result = run_cli("grade", "--help")
    assert result.returncode == 0
    for option in ("--output", "--errors", "--rules"):
        assert option in result.stdout
