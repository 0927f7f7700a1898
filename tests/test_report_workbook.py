"""The workbook of `gradegate report`: one sheet per table, Chinese sheet names and
headers, the same numbers as the CSV files, every graded project present."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from gradegate.scoring import OutputError
from tests.helpers import DATA, assert_people_workbook, run_cli

SAMPLE = DATA / "sample_portfolio.csv"
SHEETS = [
    "报告信息", "项目等级评定表", "按等级汇总", "办事处×等级", "地区部×等级", "按阶段汇总", "得分分布",
    "临界项目(阈值±3分)", "受阻的公司级项目", "等级特批调整", "关口状态", "分阶段关口状态", "缺失交付件排行", "被拒记录",
]  # fmt: skip


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("xlsx")
    result = run_cli("report", SAMPLE, "-o", target)
    assert result.returncode == 3, result.stderr
    return target


def sheet(out: Path, name: str) -> pd.DataFrame:
    return pd.read_excel(out / "report.xlsx", sheet_name=name)


def test_sheets(out: Path) -> None:
    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    assert book.sheetnames == SHEETS


def test_grading_sheet(out: Path) -> None:
    frame = sheet(out, "项目等级评定表")
    graded = pd.read_csv(out / "csv" / "grading.csv", encoding="utf-8-sig")
    assert list(frame.columns[:7]) == ["行号", "项目编号", "项目名称", "办事处", "地区部", "阶段", "项目金额(元)"]
    criteria = [
        "项目金额",
        "战略地位",
        "网上地位",
        "技术成熟度",
        "总的风险",
        "外配套服务金额",
        "赶工需求",
        "涉及产品线数量",
    ]
    assert [f"{c}得分" for c in criteria] == list(frame.columns[7:15])
    assert {"总分", "距阈值", "风险等级", "计算等级", "最终等级", "批准人", "特批理由", "规则集版本"} <= set(
        frame.columns
    )
    assert "level" not in frame.columns and "ruleset_hash" not in frame.columns  # codes stay in the CSV
    assert list(frame["项目编号"]) == list(graded["project_id"])
    assert list(frame["总分"]) == list(graded["total_score"])
    assert set(frame["最终等级"]) == {"公司级", "办事处级"}


def test_summary_sheets_equal_csv(out: Path) -> None:
    levels = sheet(out, "按等级汇总")
    csv = pd.read_csv(out / "csv" / "level_summary.csv", encoding="utf-8-sig")
    assert list(levels["项目数"]) == list(csv["projects"])
    assert list(levels["项目金额(元)"]) == pytest.approx(list(csv["amount_rmb"]))
    office = sheet(out, "办事处×等级")
    assert list(office.columns) == [
        "办事处",
        "公司级项目数",
        "办事处级项目数",
        "项目数合计",
        "公司级金额(元)",
        "办事处级金额(元)",
        "金额合计(元)",
    ]
    gates = sheet(out, "关口状态")
    assert {"下一关口", "关口状态", "就绪度", "阻塞项", "责任人角色", "决策机构"} <= set(gates.columns)
    assert set(gates["关口状态"]) <= {"就绪", "受阻", "关口已全部通过"}


def test_about_and_errors(out: Path) -> None:
    about = dict(sheet(out, "报告信息").itertuples(index=False))
    assert about["评级规则集版本"] == "2026.11-1"
    assert isinstance(about["生成时间"], datetime)  # a real date, not text
    assert about["读取行数"] == int(about["读取行数"]) > 0  # a real number, not text
    errors = sheet(out, "被拒记录")
    assert list(errors.columns) == ["行号", "表格行", "项目编号", "字段", "值", "原因", "说明"]
    assert (errors["表格行"] == errors["行号"] + 1).all()
    assert int(about["被拒行数"]) == errors["行号"].nunique() > 0


def test_number_formats(out: Path) -> None:
    book = openpyxl.load_workbook(out / "report.xlsx")
    levels = book["按等级汇总"]
    heads = [c.value for c in levels[1]]
    amount, share = heads.index("项目金额(元)") + 1, heads.index("项目数占比") + 1
    assert levels.cell(2, amount).number_format == "#,##0"
    assert levels.cell(2, share).number_format == "0%"
    gates = book["关口状态"]
    readiness = [c.value for c in gates[1]].index("就绪度") + 1
    assert gates.cell(2, readiness).number_format == "0%"
    assert book["报告信息"].freeze_panes == "A2"


def test_workbook_written_by_a_child_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large reports write the workbook in a forked child: same workbook, and a failure there is not hidden."""
    from gradegate.reports import outputs
    from gradegate.reports.build import build_report
    from gradegate.scoring.rulesets import load_rulesets
    from gradegate.scoring.tabular import read_table

    rules = load_rulesets()
    built = build_report(read_table(SAMPLE), rules.grading, rules.gates, source=str(SAMPLE))
    monkeypatch.setattr(outputs, "PARALLEL_FROM", 1)
    outputs.write_report(built, tmp_path / "a")
    grading = pd.read_excel(tmp_path / "a" / "report.xlsx", sheet_name="项目等级评定表")
    assert len(grading) == built.graded
    assert openpyxl.load_workbook(tmp_path / "a" / "report.xlsx", read_only=True).sheetnames == SHEETS

    def broken(report, path):
        raise OSError("disk full (test)")

    monkeypatch.setattr(outputs, "write_workbook", broken)
    with pytest.raises(OutputError, match=r"report\.xlsx failed"):
        outputs.write_report(built, tmp_path / "b")
    assert not (tmp_path / "b" / "report.xlsx").exists()


def test_a_table_longer_than_a_sheet_is_cut_with_a_pointer_to_its_csv(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Excel holds 1,048,575 data rows; lowered here to 50 so that a small portfolio shows the rule."""
    from gradegate.reports import outputs
    from gradegate.reports.build import build_report
    from gradegate.scoring.rulesets import load_rulesets
    from gradegate.scoring.tabular import read_table

    monkeypatch.setattr(outputs, "EXCEL_MAX_ROWS", 51)
    rules = load_rulesets()
    built = build_report(read_table(SAMPLE).head(120), rules.grading, rules.gates)
    target = tmp_path / "report.xlsx"
    outputs.write_workbook(built, target)
    frame = pd.read_excel(target, sheet_name="项目等级评定表", dtype=str)
    graded = len(built.tables["grading"].frame)
    assert graded > 50
    assert len(frame) == 51  # 50 rows of the table, then the note
    assert frame.iloc[-1, 0] == f"… {graded - 50:,} more rows do not fit an Excel sheet: see csv/grading.csv"


def test_every_sheet_is_laid_out_for_people(out: Path) -> None:
    assert_people_workbook(out / "report.xlsx")
    book = openpyxl.load_workbook(out / "report.xlsx")
    grading = book["项目等级评定表"]
    heads = [c.value for c in grading[1]]
    amounts = [row[heads.index("项目金额(元)")].value for row in grading.iter_rows(min_row=2, max_row=50)]
    assert all(isinstance(v, int | float) for v in amounts)  # real numbers, not text
