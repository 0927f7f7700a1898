"""What the CLI says when a command cannot run: Chinese, after `错误：`, worded by the one catalogue
(scoring/messages.py), through the real `gradegate` subprocess; exit 1 and nothing on stdout."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import CASES, run_cli

GRADING_INPUT = CASES / "grading_public_input.csv"


def fails_with(*args: str | Path, input: str | None = None) -> str:
    """The whole stderr of a command that could not run."""
    proc = run_cli(*args, input=input)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    return proc.stderr


def test_grade_names_the_output_types(tmp_path: Path) -> None:
    out = tmp_path / "graded.pdf"
    assert fails_with("grade", GRADING_INPUT, "-o", out) == f"错误：{out}: 评定结果只能写为 .csv 或 .xlsx\n"


def test_a_path_is_printed_as_it_is_never_read_as_markup(tmp_path: Path) -> None:
    out = tmp_path / "[bold]graded[/].pdf"
    assert fails_with("grade", GRADING_INPUT, "-o", out) == f"错误：{out}: 评定结果只能写为 .csv 或 .xlsx\n"


def test_decide_lists_the_tables_of_the_folder() -> None:
    assert fails_with("decide", "nosuch", "-", input="") == (
        "错误：没有决策表 'nosuch'；规则文件夹中有：key_project (重点项目认定)，"
        "price_review (售销价评审主持)，project_class (项目分类(一般项目/重大项目))\n"
    )


def test_decide_on_a_table_file_needs_an_output_table(tmp_path: Path) -> None:
    source = tmp_path / "quotes.csv"
    source.write_text("quote_id,quote_rmb\nQ1,1000\n", encoding="utf-8")
    assert fails_with("decide", "price_review", source) == (
        "错误：CSV 或 .xlsx 输入的决策结果是一张表：请用 -o OUTPUT.csv 或 OUTPUT.xlsx 指定\n"
    )


@pytest.mark.parametrize("command", ["gate-check", "reviewers"])
def test_json_lines_input_that_cannot_be_read(tmp_path: Path, command: str) -> None:
    assert fails_with(command, tmp_path) == f"错误：{tmp_path} 是文件夹；请指定 JSON lines 文件\n"
    missing = tmp_path / "missing.jsonl"
    assert fails_with(command, missing) == f"错误：无法读取 {missing}：No such file or directory\n"


def test_json_lines_output_that_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "a_file").write_text("", encoding="utf-8")
    out = tmp_path / "a_file" / "panel.jsonl"
    assert fails_with("gate-check", "-", "-o", out, input="") == f"错误：无法写入 {out}：File exists\n"


def test_gate_check_names_an_unknown_gate() -> None:
    assert fails_with("gate-check", "-", "--gate", "R9", input="").startswith('错误：--gate: "R9" 不是')


def test_replay_checks_its_period_before_anything_else(tmp_path: Path) -> None:
    out = tmp_path / "replay"
    args = ("replay", "--rules", tmp_path, "-o", out)
    assert fails_with(*args, "--since", "2026-02-01", "--until", "2026-01-01") == (
        "错误：--since 2026-02-01 晚于 --until 2026-01-01\n"
    )
    assert not out.exists()


def test_init_refuses_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    assert fails_with("init", tmp_path) == (
        f"错误：{tmp_path} 已存在且不是空文件夹；请换一个新文件夹（未写入任何文件）\n"
    )


def test_broken_rule_files_under_a_chinese_title(rules_copy: Path, tmp_path: Path) -> None:
    grading = rules_copy / "grading.yaml"
    grading.write_text(grading.read_text(encoding="utf-8").replace("threshold: 40", "threshold: lots"), "utf-8")
    lines = fails_with("grade", GRADING_INPUT, "-o", tmp_path / "o.csv", "--rules", rules_copy).splitlines()
    assert lines[0] == "错误：规则文件无效；未运行任何决策："
    assert len(lines) == 2 and lines[1].startswith(f"  {grading}:") and "threshold" in lines[1]
    assert fails_with("rules", "test", "--rules", rules_copy).splitlines() == [
        "错误：规则或场景文件无效；未运行任何场景",
        lines[1],
    ]


def test_rules_and_as_of_exclude_each_other(tmp_path: Path) -> None:
    assert fails_with("gate-check", "-", "--rules", tmp_path, "--as-of", "2026-01-01", input="") == (
        "错误：--rules 与 --as-of 只能选一个：--as-of 按当天生效的已发布规则包决策\n"
    )
