"""Hostile files give clear errors, never a crash or a hang: a zip-bomb workbook, a 200 MB single-line
CSV, formulas and dates in number cells, BOM + CRLF. Through the real CLI."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from gradegate.scoring import InputError, load_rulesets
from tests.helpers import RULES, run_cli

HEADER = (
    "project_id,amount_rmb,strategic_status,network_position,tech_maturity,risk_scope,risk_legal,risk_cost,"
    "risk_contract_terms,risk_supplier,external_service_amount_rmb,expedite,product_line_count"
)
ROW = "P{i},1200000,core,major_share,mature,low,low,low,low,low,0,none,1"


def zip_bomb(path: Path, expanded_mb: int = 64) -> None:
    """A real workbook whose sheet XML carries `expanded_mb` MB of blanks: ~1000× compression."""
    base = path.with_name("base.xlsx")
    book = openpyxl.Workbook()
    book.active.append(["project_id", "amount_rmb"])
    book.active.append(["P1", 1])
    book.save(base)
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(item, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with zout.open(item.filename, "w", force_zip64=True) as out:
                out.write(head + b"<sheetData>")
                for _ in range(expanded_mb):
                    out.write(b" " * (1 << 20))
                out.write(tail)


@pytest.mark.slow
def test_a_zip_bomb_workbook_is_refused_before_it_is_read(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    zip_bomb(bomb)
    assert bomb.stat().st_size < 2 << 20
    for args in (["grade", bomb, "-o", tmp_path / "g.csv"], ["report", bomb, "-o", tmp_path / "r"]):
        result = run_cli(*args)
        assert result.returncode == 1, result.stderr
        assert f"{bomb}: xl/worksheets/sheet1.xml 解压后膨胀" in result.stderr, result.stderr
        assert "正常的工作簿最多膨胀 200 倍" in result.stderr and "Traceback" not in result.stderr
    from gradegate.reports.api import render_report  # the API's upload path reads it the same way

    with pytest.raises(InputError) as caught:
        render_report(bomb.read_bytes(), "bomb.xlsx", "html", load_rulesets(RULES))
    issue = caught.value.issues[0]
    assert issue.message.startswith("bomb.xlsx: xl/worksheets/sheet1.xml 解压后膨胀")
    assert issue.in_language("en").startswith("bomb.xlsx: xl/worksheets/sheet1.xml expands")
    assert "a real workbook expands at most 200×" in issue.in_language("en")


@pytest.mark.slow
def test_a_200_mb_single_line_csv_and_a_huge_row(tmp_path: Path) -> None:
    one_line = tmp_path / "one_line.csv"
    with open(one_line, "w", encoding="utf-8") as fh:
        fh.write("project_id,")
        for _ in range(200):
            fh.write("x" * (1 << 20))
    result = run_cli("grade", one_line, "-o", tmp_path / "g.csv")
    assert result.returncode == 1, result.stderr
    assert f"{one_line}: 第一行超过 1,048,576 个字符；第一行须是列名（这是 CSV 文件吗？）" in result.stderr
    huge_row = tmp_path / "huge_row.csv"
    with open(huge_row, "w", encoding="utf-8") as fh:
        fh.write(HEADER + "\n" + ROW.format(i=1) + "\n" + "P2," + "9" * (40 << 20) + "\n")
    result = run_cli("grade", huge_row, "-o", tmp_path / "g.csv")
    assert result.returncode == 1 and "huge_row.csv" in result.stderr, result.stderr[:500]
    assert len(result.stderr) < 2000 and "Traceback" not in result.stderr  # a message, not the 40 MB row


def test_formulas_and_dates_in_number_cells_are_refused_by_name(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for i in range(3):
        sheet.append(ROW.format(i=i).split(","))
    sheet["B2"] = "=1000000*2"  # a formula where an amount belongs
    sheet["K3"] = dt.datetime(2026, 1, 1)  # a date where an amount belongs
    sheet["M4"] = "=SUM(1,1)"
    source = tmp_path / "cells.xlsx"
    book.save(source)
    errors = tmp_path / "errors.csv"
    result = run_cli("grade", source, "-o", tmp_path / "g.csv", "--errors", errors)
    assert result.returncode == 3, result.stderr
    rejected = pd.read_csv(errors, dtype=str, encoding="utf-8-sig")
    found = {(r.project_id, r.field) for r in rejected.itertuples()}
    assert found == {("P0", "amount_rmb"), ("P1", "external_service_amount_rmb"), ("P2", "product_line_count")}
    # A formula counts as the value Excel last computed; one never computed (written by a program, as
    # here) reads as an empty cell: never evaluated by us. A date is not an amount.
    reasons = {r.field: r.reason for r in rejected.itertuples()}
    assert reasons["amount_rmb"] == "missing" and reasons["product_line_count"] == "missing"
    assert reasons["external_service_amount_rmb"] == "not_a_number"
    assert "2026-01-01" in " ".join(rejected["value"].dropna())


def test_bom_and_crlf(tmp_path: Path) -> None:
    source = tmp_path / "bom_crlf.csv"
    text = "\r\n".join([HEADER, *(ROW.format(i=i) for i in range(5))]) + "\r\n"
    source.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    out = tmp_path / "g.csv"
    result = run_cli("grade", source, "-o", out)
    assert result.returncode == 0, result.stderr
    graded = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    assert list(graded["project_id"]) == [f"P{i}" for i in range(5)]
    assert "warning" not in result.stderr  # no "\ufeffproject_id" column, no "product_line_count\r"
