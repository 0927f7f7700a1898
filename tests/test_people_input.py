"""Input as people write it (people.md), through the real CLI: Chinese headers, headers with units,
amounts with 万/亿/元, unknown headers reported once with "did you mean", and a graded workbook that
grades the same when read back."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from gradegate.scoring.grading.columns import output_headers
from gradegate.scoring.rulesets import load_rulesets
from gradegate.scoring.vocabulary import GRADING_HEADERS
from tests.helpers import CASES, DATA, assert_people_workbook, run_cli

GRADING = load_rulesets().grading
RESULTS = ["total_score", "level", "computed_level", "risk_level", "margin", "level_label"]


def _codes(frame: pd.DataFrame) -> pd.DataFrame:
    """A graded workbook's Chinese headers back to the codes of the CSV."""
    return frame.rename(columns={zh: code for code, zh in output_headers(GRADING).items()})


@pytest.fixture(scope="module")
def by_codes(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("codes") / "graded.csv"
    result = run_cli("grade", CASES / "grading_public_input.csv", "-o", out)
    assert result.returncode == 0, result.stderr
    return pd.read_csv(out, dtype=str)


def _decimal(cell: str) -> Decimal:
    return Decimal(cell.strip().replace(",", ""))


def _people_file(tmp_path: Path) -> Path:
    """The public cases as marketing operations keep them: Chinese headers, 万元, people's spellings."""
    frame = pd.read_csv(CASES / "grading_public_input.csv", dtype=str, keep_default_na=False)
    wan = frame["amount_rmb"].map(lambda v: str(_decimal(v) / 10_000) if v else v)  # exact: 286581 → 28.6581 (万元)
    spellings = ["{}元", "{:,}", "{:,}", "{}"]  # the external amount, spelled four ways in turn
    external = [
        spellings[i % 4].format(_decimal(v)).replace(",", "，" if i % 8 < 4 else "\u2009") if v else v
        for i, v in enumerate(frame["external_service_amount_rmb"])
    ]
    full_width = str.maketrans({str(d): chr(0xFF10 + d) for d in range(10)})
    frame["amount_rmb"] = wan
    frame["external_service_amount_rmb"] = external
    frame["product_line_count"] = frame["product_line_count"].str.translate(full_width)
    frame = frame.rename(columns=GRADING_HEADERS).rename(columns={"项目金额": "项目金额（万元）"})
    path = tmp_path / "人员.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_chinese_headers_units_and_spellings_grade_exactly(tmp_path: Path, by_codes: pd.DataFrame) -> None:
    out = tmp_path / "graded.csv"
    result = run_cli("grade", _people_file(tmp_path), "-o", out)
    assert result.returncode == 0, result.stderr
    assert "读取 60 · 已评定 60 · 被拒 0" in result.stderr
    got = pd.read_csv(out, dtype=str)
    assert list(got.columns) == list(by_codes.columns)  # the CSV keeps the codes
    columns = ["project_id", *RESULTS, "amount_rmb", "external_service_amount_rmb", "product_line_count"]
    pd.testing.assert_frame_equal(got[columns], by_codes[columns])


def test_a_graded_workbook_read_back_grades_the_same(tmp_path: Path, by_codes: pd.DataFrame) -> None:
    first = tmp_path / "graded.xlsx"
    assert run_cli("grade", CASES / "grading_public_input.csv", "-o", first).returncode == 0
    assert_people_workbook(first)
    book = openpyxl.load_workbook(first)
    cells = {c.value: c.column - 1 for c in book.active[1]}
    row = [c.value for c in next(book.active.iter_rows(min_row=2, max_row=2))]
    assert isinstance(row[cells["项目金额(元)"]], int | float) and isinstance(row[cells["总分"]], int)  # numbers
    heads = list(pd.read_excel(first, dtype=str, nrows=0).columns)
    assert heads[:3] == ["项目编号", "总分", "等级代码"] and "项目金额(元)" in heads and "战略地位" in heads
    again = tmp_path / "again.csv"
    result = run_cli("grade", first, "-o", again)
    assert result.returncode == 0, result.stderr
    assert "未知列" not in result.stderr  # every column of our own workbook is known
    got = pd.read_csv(again, dtype=str)
    columns = ["project_id", *RESULTS, *(c for c in by_codes.columns if c.startswith("points_"))]
    pd.testing.assert_frame_equal(got[columns], by_codes[columns])


def test_unknown_header_reported_once_with_did_you_mean(tmp_path: Path) -> None:
    frame = pd.read_csv(CASES / "grading_public_input.csv", dtype=str, keep_default_na=False).rename(
        columns={"strategic_status": "战略地未"}
    )
    frame["备注"] = "x"
    path = tmp_path / "typo.csv"
    frame.to_csv(path, index=False)
    errors = tmp_path / "errors.csv"
    result = run_cli("grade", path, "-o", tmp_path / "out.csv", "--errors", errors)
    assert result.returncode == 3  # without 战略地位 every row misses it
    assert result.stderr.count('未知列 "战略地未"（是否为 战略地位？）') == 1
    assert result.stderr.count('未知列 "备注"') == 1
    found = pd.read_csv(errors, dtype=str, keep_default_na=False)
    header = found[found["line"] == "1"]
    assert list(header["field"]) == ["战略地未", "备注"] and set(header["reason"]) == {"unknown_field"}
    assert (found["row"] == "").sum() == 2  # no record number: the header is no record
    missing = found[found["field"] == "strategic_status"]
    assert len(missing) == 60 and missing.iloc[0]["message"].startswith("战略地位为必填项")
    assert list(missing["line"].astype(int)) == list(range(2, 62))


def test_chinese_numerals_are_refused_on_the_right_line(tmp_path: Path) -> None:
    frame = pd.read_csv(CASES / "grading_public_input.csv", dtype=str, keep_default_na=False).head(4)
    frame.loc[2, "amount_rmb"] = "一千万"
    path = tmp_path / "p.csv"
    frame.rename(columns=GRADING_HEADERS).to_csv(path, index=False)
    errors = tmp_path / "e.csv"
    assert run_cli("grade", path, "-o", tmp_path / "o.csv", "--errors", errors).returncode == 3
    bad = pd.read_csv(errors, dtype=str).iloc[0]
    assert (bad["row"], bad["line"], bad["field"], bad["value"]) == ("3", "4", "amount_rmb", "一千万")
    assert bad["message"].startswith('项目金额: "一千万" 是汉字数字') and "1200万" in bad["message"]


def _refused_quotes(tmp_path: Path, text: str) -> pd.DataFrame:
    """`gradegate decide price_review` over a CSV of quotes: the errors file it writes."""
    source, errors = tmp_path / "quotes.csv", tmp_path / "refused.csv"
    source.write_text(text, encoding="utf-8")
    result = run_cli("decide", "price_review", source, "-o", tmp_path / "decided.csv", "--errors", errors)
    assert result.returncode == 3, result.stderr
    return pd.read_csv(errors, dtype=str, keep_default_na=False)


def test_decision_table_errors_name_the_spreadsheet_line(tmp_path: Path) -> None:
    """people.md: errors files name the line as a spreadsheet shows it, beside the record number — the
    decision tables' errors file as well as grading's."""
    found = _refused_quotes(tmp_path, "报价编号,报价金额(元)\nQ1,100\nQ2,n/a\nQ3,5\n")
    assert list(found.columns[:3]) == ["row", "line", "id"]
    assert [tuple(r) for r in found[["row", "line", "id", "field", "value"]].to_numpy()] == [
        ("2", "3", "Q2", "quote_rmb", "n/a")
    ]


def test_errors_name_the_spreadsheet_line_after_a_blank_line(tmp_path: Path) -> None:
    """A blank line is an empty row in a spreadsheet, and a cell holding a line break stays one row:
    the line named is the row people see, whatever the reader skipped."""
    frame = pd.read_csv(CASES / "grading_public_input.csv", dtype=str, keep_default_na=False).head(3)
    frame.loc[1, "project_name"] = "两行\n的名称"
    frame.loc[2, "amount_rmb"] = "很多"
    rows = [",".join(frame.columns)]
    for values in frame.to_numpy().tolist():
        rows.append(",".join(f'"{v}"' if "\n" in v or "," in v else v for v in values))
    # line 1 header · 2 first record · 3 empty · 4 second record (two lines of text, one row) · 5 third
    path = tmp_path / "blank.csv"
    path.write_text("\r\n".join([rows[0], rows[1], "", rows[2], rows[3]]) + "\r\n", encoding="utf-8")
    errors = tmp_path / "e.csv"
    result = run_cli("grade", path, "-o", tmp_path / "o.csv", "--errors", errors)
    assert result.returncode == 3, result.stderr
    bad = pd.read_csv(errors, dtype=str, keep_default_na=False)
    assert [tuple(r) for r in bad[["row", "line", "field", "value"]].to_numpy()] == [("3", "5", "amount_rmb", "很多")]
    graded = pd.read_csv(tmp_path / "o.csv", dtype=str, keep_default_na=False)
    assert list(graded["project_name"])[1] == "两行\n的名称"  # the second record, read whole

    found = _refused_quotes(tmp_path, 'quote_id,quote_rmb\nQ1,100\n\n"Q\n2",5\nQ3,n/a\n')
    assert [tuple(r) for r in found[["row", "line", "id"]].to_numpy()] == [("3", "5", "Q3")]


def test_a_unit_that_is_not_money_is_refused(tmp_path: Path) -> None:
    frame = pd.read_csv(CASES / "grading_public_input.csv", dtype=str, keep_default_na=False).head(2)
    path = tmp_path / "p.csv"
    frame.rename(columns={"amount_rmb": "项目金额(美元)"}).to_csv(path, index=False)
    result = run_cli("grade", path, "-o", tmp_path / "o.csv")
    assert result.returncode == 1 and "单位 '美元' 无法识别" in result.stderr


def test_portfolio_with_chinese_headers_reports_the_same(tmp_path: Path) -> None:
    frame = pd.read_csv(DATA / "sample_portfolio.csv", dtype=str, keep_default_na=False).head(40)
    plain, chinese = tmp_path / "plain.csv", tmp_path / "chinese.csv"
    frame.to_csv(plain, index=False)
    gates = load_rulesets().gates.rules
    renamed = frame.rename(columns={**GRADING_HEADERS, "passed_gates": "已通过关口"})
    renamed = renamed.rename(columns={f"flag_{c}": label for c, label in gates.flags.items()})
    renamed = renamed.rename(columns={f"deliv_{c}": label for c, label in gates.deliverables.items()})
    renamed["项目金额"] = renamed["项目金额"].map(lambda v: f"{v}元" if v else v)
    renamed.to_csv(chinese, index=False)
    runs = [run_cli("report", path, "-o", tmp_path / path.stem) for path in (plain, chinese)]
    assert [r.returncode for r in runs] == [runs[0].returncode] * 2, runs[1].stderr
    tables = ["grading", "gate_status", "level_summary"]
    for table in tables:
        want = pd.read_csv(tmp_path / "plain" / "csv" / f"{table}.csv", dtype=str)
        got = pd.read_csv(tmp_path / "chinese" / "csv" / f"{table}.csv", dtype=str)
        pd.testing.assert_frame_equal(got, want)
