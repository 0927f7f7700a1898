"""Untrusted text stays text: every writer of a CSV or xlsx file, run over hostile project names,
read back — no formula cell in any workbook, no CSV cell that a spreadsheet would execute."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from gradegate.scoring import load_rulesets, neutralize_text, write_table
from tests.helpers import DATA, RULES, run_cli

HOSTILE = ['=HYPERLINK("http://x","点击")', "+1", "@SUM(A1)", "-2+3", "\t=1", "\r=1+1", "=1+1"]
PLAIN_NUMBER = re.compile(r"^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")


def hostile_frame(source: Path, n: int) -> pd.DataFrame:
    frame = pd.read_csv(source, dtype=str, keep_default_na=False).iloc[:n].copy()
    for i, name in enumerate(HOSTILE):
        frame.loc[frame.index[i], "project_name"] = name
        frame.loc[frame.index[i], "office"] = name
    # A bad row whose rejected value is hostile: the errors file carries it.
    frame.loc[frame.index[len(HOSTILE)], "amount_rmb"] = "=1+2"
    return frame


def assert_csv_safe(path: Path) -> int:
    """The number of cells checked; fails on any cell a spreadsheet would execute."""
    text = path.read_text(encoding="utf-8-sig")
    checked = 0
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            checked += 1
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                assert PLAIN_NUMBER.match(cell), f"{path.name}: executable cell {cell!r}"
    return checked


def assert_xlsx_safe(path_or_bytes: Path | bytes) -> list[str]:
    """Every text cell of every sheet; fails on any formula cell."""
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    book = openpyxl.load_workbook(source)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: formula {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def neutralized(name: str) -> str:
    return "'" + name


def test_neutralize_text_follows_owasp_and_keeps_numbers() -> None:
    for name in HOSTILE:
        assert neutralize_text(name) == "'" + name
    for number in ("-12.5", "-3", "1e3", "-.5", "12"):
        assert neutralize_text(number) == number
    assert neutralize_text("融媒体") == "融媒体"


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_grade_writes_hostile_names_as_text(tmp_path: Path, suffix: str) -> None:
    # The input as .xlsx (a CR inside a CSV cell is beyond the CSV reader), written as text cells.
    source = tmp_path / "hostile.xlsx"
    write_table(hostile_frame(DATA / "sample_projects.csv", 20), source)
    out, errors = tmp_path / f"graded{suffix}", tmp_path / f"graded.errors{suffix}"
    result = run_cli("grade", source, "-o", out, "--errors", errors)
    assert result.returncode == 3, result.stderr  # done, one row rejected
    if suffix == ".csv":
        assert assert_csv_safe(out) > 100 and assert_csv_safe(errors) > 5
        graded = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
        rejected = pd.read_csv(errors, dtype=str, encoding="utf-8-sig")
        # Numbers stay numbers: the score columns are plain integers.
        assert graded["total_score"].str.fullmatch(r"-?\d+").all()
    else:
        texts = assert_xlsx_safe(out) + assert_xlsx_safe(errors)
        assert '=HYPERLINK("http://x","点击")' in texts  # kept as the text it is, not a formula
        graded = pd.read_excel(out, dtype=str)
        rejected = pd.read_excel(errors, dtype=str)
    shown = [n for n in graded["project_name"].dropna() if n.removeprefix("'") in HOSTILE]
    assert len(shown) >= 5
    # CSV: neutralized with a leading ' (OWASP); xlsx: the exact text, in a string cell.
    assert all(n == neutralized(n[1:]) for n in shown) if suffix == ".csv" else all(n in HOSTILE for n in shown)
    assert ("'=1+2" if suffix == ".csv" else "=1+2") in set(rejected["value"])


@pytest.mark.slow
def test_report_writes_hostile_names_as_text(tmp_path: Path) -> None:
    source = tmp_path / "portfolio.xlsx"
    write_table(hostile_frame(DATA / "sample_portfolio.csv", 40), source)
    result = run_cli("report", source, "-o", tmp_path / "out")
    assert result.returncode == 3, result.stderr
    out = tmp_path / "out"
    texts = assert_xlsx_safe(out / "report.xlsx")
    assert "@SUM(A1)" in texts and '=HYPERLINK("http://x","点击")' in texts
    csvs = [*(out / "csv").glob("*.csv"), out / "errors.csv"]
    assert len(csvs) >= 5
    for path in csvs:
        assert_csv_safe(path)
    grading = (out / "csv" / "grading.csv").read_text(encoding="utf-8-sig")
    assert "'@SUM(A1)" in grading and "'-2+3" in grading


def test_report_download_workbook_is_formula_free(tmp_path: Path) -> None:
    from gradegate.reports.api import render_report

    source = tmp_path / "p.xlsx"
    write_table(hostile_frame(DATA / "sample_portfolio.csv", 30), source)
    body, _ = render_report(source.read_bytes(), "p.xlsx", "xlsx", load_rulesets(RULES))
    texts = assert_xlsx_safe(body)
    # "\t=1" arrives trimmed ("=1"): still text, not a formula.
    assert {"+1", "@SUM(A1)", "=1", "=1+1"} <= set(texts), [t for t in texts if t[:1] in "=+-@"]
