"""Writing a built report to a folder: report.html, report.xlsx (one sheet per
table for managers: Chinese sheet names and headers, no code columns), csv/<table>.csv (English column codes,
UTF-8 with BOM so Excel shows Chinese), and errors.csv (the rejected rows).
Every file is written atomically; every output names the rule-set version and
when it was made (the HTML header, the 报告信息 sheet, csv/about.csv).
"""

from __future__ import annotations

import io
import multiprocessing
import time
import warnings
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from gradegate.reports.build import Report
from gradegate.reports.catalog import CODE_COLUMNS, CSV_ONLY, TITLES, WORKBOOK_DROP, header
from gradegate.reports.render_html import render_html
from gradegate.scoring import EXCEL_MAX_ROWS, OutputError, atomic_path, xlsx_rows
from gradegate.scoring import write_csv as write_csv_file

PARALLEL_FROM = 20_000  # projects; below this the whole write takes a second or two
FORMAT_ROWS = 10_000  # sheets up to this many rows get number formats (amounts, percentages)
HEADER_FONT, HEADER_FILL = Font(bold=True), PatternFill("solid", fgColor="F3F3F3")


def about(report: Report) -> pd.DataFrame:
    """The 报告信息 table: provenance and counts, one item per row."""
    rows = [
        ("generated_at", "生成时间", report.generated_at.isoformat()),
        ("source", "输入文件", report.source),
        ("grading_ruleset", "评级规则集", report.grading.identity.name),
        ("grading_version", "评级规则集版本", report.grading.identity.version),
        ("grading_hash", "评级规则集哈希", report.grading.identity.hash),
        ("gates_ruleset", "关口规则集", report.gates.identity.name),
        ("gates_version", "关口规则集版本", report.gates.identity.version),
        ("threshold", "公司级阈值", str(report.threshold)),
        ("read", "读取行数", str(report.read)),
        ("graded", "已评定项目", str(report.graded)),
        ("rejected", "被拒行数", str(report.rejected)),
    ]
    if report.impact is not None:
        rows.append(("compare_version", "对比规则集版本", report.impact.version_b))
    rows += [("warning", "提示", w) for w in report.warnings]
    return pd.DataFrame(rows, columns=["item", "label", "value"])


def write_report(report: Report, out_dir: Path) -> dict[str, Path]:
    """Every output of the report into `out_dir`; returns what was written. Times go to report.timings."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    html = render_html(report)
    report.timings["render"] = time.perf_counter() - start
    start = time.perf_counter()
    written = {"html": out_dir / "report.html", "xlsx": out_dir / "report.xlsx", "errors": out_dir / "errors.csv"}
    with atomic_path(written["html"]) as tmp:
        tmp.write_text(html, encoding="utf-8")
    # The workbook is most of the writing (openpyxl: ~8 µs a cell); for a large report a forked child
    # writes it while this process writes the CSV files, so a second core shortens the run.
    child = None
    if report.graded >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
        child = multiprocessing.get_context("fork").Process(target=write_workbook, args=(report, written["xlsx"]))
        with warnings.catch_warnings():
            # Python 3.12 warns about fork() in a process with threads (durable_rules' timers): the child
            # only runs openpyxl on data it inherited and takes none of the locks those threads use.
            warnings.simplefilter("ignore", DeprecationWarning)
            child.start()
    else:
        write_workbook(report, written["xlsx"])
    tables = {"about": about(report), **{k: t.frame for k, t in report.tables.items()}}
    for key, frame in tables.items():
        written[f"csv:{key}"] = out_dir / "csv" / f"{key}.csv"
        write_csv(frame, written[f"csv:{key}"])
    write_csv(report.table("errors"), written["errors"])
    if child is not None:
        child.join()
        if child.exitcode != 0:
            raise OutputError(f"writing {written['xlsx']} failed (exit code {child.exitcode}); see the message above")
    report.timings["write"] = time.perf_counter() - start
    return written


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as tmp:
        write_csv_file(frame, tmp)


def workbook_bytes(report: Report) -> bytes:
    """The workbook in memory (the service's download)."""
    buffer = io.BytesIO()
    _fill_workbook(report).save(buffer)
    return buffer.getvalue()


def write_workbook(report: Report, path: Path) -> None:
    with atomic_path(path) as tmp:
        _fill_workbook(report).save(tmp)


def _fill_workbook(report: Report) -> Workbook:
    # write_only streams rows to disk: a 100k-project workbook stays small in memory.
    book = Workbook(write_only=True)
    criteria = {c.code: c.label for c in report.grading.rules.criteria}
    levels = report.grading.rules.level_labels
    tables = {"about": about(report).drop(columns="item")}
    for key, table in report.tables.items():
        if key not in CSV_ONLY:
            drop = CODE_COLUMNS.union(WORKBOOK_DROP.get(key, []))
            tables[key] = table.frame.drop(columns=[c for c in table.frame.columns if c in drop])
    for key, frame in tables.items():
        sheet = book.create_sheet(TITLES[key][:31])
        sheet.freeze_panes = "A2"
        for i, column in enumerate(frame.columns):
            sheet.column_dimensions[get_column_letter(i + 1)].width = _width(column, frame[column])
        heads = []
        for column in frame.columns:
            cell = WriteOnlyCell(
                sheet, value=header(column, criteria, levels) if key != "about" else _about_head(column)
            )
            cell.data_type = "s"  # headers are text, never formulas
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            heads.append(cell)
        sheet.append(heads)
        overflow = len(frame) - (EXCEL_MAX_ROWS - 1)
        if overflow > 0:
            # A sheet cannot hold more; the CSV file has every row, and the sheet says so.
            frame = frame.head(EXCEL_MAX_ROWS - 1)
        # A styled cell costs ~50 µs in openpyxl: per-project sheets of a large portfolio stay unformatted.
        formats = [(i, f) for i, c in enumerate(frame.columns) if (f := _number_format(c, frame[c]))]
        formats = formats if len(frame) <= FORMAT_ROWS else []
        for cells in xlsx_rows(sheet, frame):
            for i, number_format in formats:
                if cells[i] is not None:
                    cells[i] = cell = WriteOnlyCell(sheet, value=cells[i])
                    cell.number_format = number_format
            sheet.append(cells)
        if overflow > 0:
            sheet.append([f"… {overflow:,} more rows do not fit an Excel sheet: see csv/{key}.csv"])
    return book


def _number_format(column: str, values: pd.Series) -> str | None:
    """Amounts with thousands separators, shares as percentages; other numbers as they are."""
    if not pd.api.types.is_float_dtype(values):
        return None
    if column.endswith("_share") or column == "readiness":
        return "0%"
    if column.startswith("amount"):
        return "#,##0"
    return "0.00" if column.startswith("mean_") else None


def _about_head(column: str) -> str:
    return {"label": "项目", "value": "值"}[column]


def _width(column: str, values: pd.Series) -> float:
    """A column width that fits the header and the first rows; Chinese characters count double."""
    texts = [column, *(str(v) for v in values.head(200) if not pd.isna(v))]
    longest = max(sum(2 if ord(ch) > 0x7F else 1 for ch in text) for text in texts)
    return float(min(max(longest * 1.1, 8), 60))
