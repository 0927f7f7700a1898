"""`gradegate report` as a user runs it: what it writes, and clear errors (stderr, exit 1) on bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.helpers import DATA, run_cli

SAMPLE = DATA / "sample_portfolio.csv"


def clean_portfolio(tmp_path: Path, suffix: str = ".csv") -> Path:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).iloc[10:40]
    path = tmp_path / f"clean{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_excel(path, index=False)
    return path


def test_writes_every_output_and_exits_0_when_clean(tmp_path: Path) -> None:
    frame = pd.read_csv(clean_portfolio(tmp_path), dtype=str, keep_default_na=False)
    frame["deliv_planing_report"] = "approved"  # a typo of planning_report: a warning, not an error
    frame["flag_vip"] = "true"
    path = tmp_path / "typos.csv"
    frame.to_csv(path, index=False)
    result = run_cli("report", path, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "读取 30 · 已评定 30 · 被拒 0" in result.stderr
    assert "deliv_planing_report" in result.stderr and "flag_vip" in result.stderr
    out = tmp_path / "out"
    assert "deliv_planing_report" in (out / "report.html").read_text(encoding="utf-8")
    assert (out / "report.html").stat().st_size > 10_000
    assert (out / "report.xlsx").stat().st_size > 5_000
    assert {p.stem for p in (out / "csv").glob("*.csv")} >= {"about", "grading", "level_summary", "gate_status"}
    assert pd.read_csv(out / "errors.csv").empty


def test_excel_portfolio(tmp_path: Path) -> None:
    result = run_cli("report", clean_portfolio(tmp_path, ".xlsx"), "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert len(pd.read_csv(tmp_path / "out" / "csv" / "grading.csv", encoding="utf-8-sig")) == 30


def test_missing_input(tmp_path: Path) -> None:
    result = run_cli("report", tmp_path / "nope.csv", "-o", tmp_path / "out")
    assert result.returncode == 1
    assert f"{tmp_path / 'nope.csv'}: 文件不存在" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_wrong_kind_of_input(tmp_path: Path) -> None:
    path = tmp_path / "portfolio.jsonl"
    path.write_text("{}\n", encoding="utf-8")
    result = run_cli("report", path, "-o", tmp_path / "out")
    assert result.returncode == 1 and result.stderr == f"错误：{path}: 项目组合须是 .csv 或 .xlsx 文件\n"


def test_output_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    result = run_cli("report", clean_portfolio(tmp_path), "-o", target)
    assert result.returncode == 1
    assert result.stderr == f"错误：{target}: 已存在且不是文件夹；-o 指定报告写入的文件夹\n"


def test_broken_compare_rules(tmp_path: Path) -> None:
    result = run_cli("report", clean_portfolio(tmp_path), "-o", tmp_path / "out", "--compare-rules", tmp_path / "none")
    assert result.returncode == 1 and "not a folder of rule files" in result.stderr
    assert "Traceback" not in result.stderr


def test_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "binary.xlsx"
    path.write_bytes(b"\x00\x01 not a workbook")
    result = run_cli("report", path, "-o", tmp_path / "out")
    assert result.returncode == 1 and f"{path}: 无法作为 xlsx 文件读取：" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_names_the_options() -> None:
    result = run_cli("report", "--help")
    assert result.returncode == 0
    assert "--compare-rules" in result.stdout and "--rules" in result.stdout and "--output" in result.stdout


def test_every_row_rejected_still_reports(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("project_id,amount_rmb\nP1,abc\nP2,\n", encoding="utf-8")
    result = run_cli("report", path, "-o", tmp_path / "out")
    assert result.returncode == 3, result.stderr
    assert "读取 2 · 已评定 0 · 被拒 2" in result.stderr
    errors = pd.read_csv(tmp_path / "out" / "errors.csv", encoding="utf-8-sig")
    assert set(errors["row"]) == {1, 2} and "amount_rmb" in set(errors["field"])
    assert "（无）" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_progress_bar_only_for_large_portfolios_at_a_terminal(monkeypatch) -> None:
    import sys

    from gradegate.cli import report_cmd
    from gradegate.reports.build import build_report
    from gradegate.scoring.rulesets import load_rulesets
    from gradegate.scoring.tabular import read_table

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with report_cmd._bar(1_000_000) as progress:
        assert progress is None  # piped or redirected: no bar
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with report_cmd._bar(report_cmd.PROGRESS_FROM - 1) as progress:
        assert progress is None  # a small portfolio is done before a bar would help
    calls: list[tuple[str, int, int]] = []
    with report_cmd._bar(report_cmd.PROGRESS_FROM) as progress:
        assert progress is not None
        rules = load_rulesets()
        built = build_report(read_table(SAMPLE), rules.grading, rules.gates, progress=lambda *c: calls.append(c))
        progress("gates", 5, 10)
    assert calls[-1] == ("gates", built.graded, built.graded)
    assert [done for _, done, _ in calls] == sorted(done for _, done, _ in calls)


def test_rejected_rows_are_named_on_their_spreadsheet_line_after_a_blank_line(tmp_path: Path) -> None:
    """people.md: the rejected rows of a report name the line as a spreadsheet shows it; a blank CSV line
    is an empty row there (line 3 below), so the fourth record is on line 6, not 5."""
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(5)
    frame.loc[3, "amount_rmb"] = "很多"
    header, *records = frame.to_csv(index=False, lineterminator="\n").splitlines()
    path = tmp_path / "blank.csv"
    path.write_text("\n".join([header, records[0], "", *records[1:]]) + "\n", encoding="utf-8")
    result = run_cli("report", path, "-o", tmp_path / "out")
    assert result.returncode == 3, result.stderr
    errors = pd.read_csv(tmp_path / "out" / "errors.csv", dtype=str, keep_default_na=False)
    assert [tuple(r) for r in errors[["row", "line", "field", "value"]].to_numpy()] == [
        ("4", "6", "amount_rmb", "很多")
    ]
