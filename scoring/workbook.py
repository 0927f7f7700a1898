"""Every table sheet of every workbook we write, laid out the one way people use them (people.md):
a frozen header row, an autofilter, column widths that fit Chinese text, printing fitted to the
page width (landscape, header row repeated), real numbers and dates (never numbers as text).

Workbooks are written with openpyxl's write-only mode: rows stream to disk, so a large sheet stays
small in memory. A styled cell costs ~50 µs there, so number formats are applied to sheets of up to
FORMAT_ROWS rows; larger sheets keep plain (still numeric) cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from gradegate.scoring.safe_cells import xlsx_value

FORMAT_ROWS = 10_000
HEADER_FONT, HEADER_FILL = Font(bold=True), PatternFill("solid", fgColor="F3F3F3")
DATE_FORMAT = "yyyy-mm-dd hh:mm"
CHINA = dt.timezone(dt.timedelta(hours=8), "CST")  # times people read are China Standard Time
WIDTH_SAMPLE = 200  # rows looked at to size a column


def text_width(text: str) -> int:
    """Display width: CJK (and other wide) characters take two columns of a spreadsheet."""
    return sum(2 if ord(ch) > 0x7F else 1 for ch in text)


def column_width(header: str, values: pd.Series) -> float:
    """A width that fits the header and the first rows, between 8 and 60."""
    texts = [header, *(str(v) for v in values.head(WIDTH_SAMPLE) if not _missing(v))]
    return float(min(max(max(text_width(t) for t in texts) * 1.1 + 2, 8), 60))


# Excel refuses these in a sheet name (openpyxl raises); a title is often a rule file's label.
_NOT_IN_SHEET_NAMES = str.maketrans(dict.fromkeys("[]:*?/\\", "・"))


def sheet_title(text: str) -> str:
    """`text` as Excel takes a sheet name: none of []:*?/\\ (each becomes ・), at most 31 characters."""
    return text.translate(_NOT_IN_SHEET_NAMES)[:31]


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def add_table_sheet(
    book: Workbook,
    title: str,
    frame: pd.DataFrame,
    headers: Sequence[str] | None = None,
    number_formats: Mapping[str, str] | None = None,
    footer: Iterable[str] = (),
) -> WriteOnlyWorksheet:
    """One table as a sheet: header row (`headers`, default the column names) then one row per record.

    `number_formats`: column → Excel number format, for sheets up to FORMAT_ROWS rows. `footer`: lines
    after the table (outside the filter), e.g. a pointer to the CSV when a table does not fit.
    """
    heads = [str(h) for h in (headers if headers is not None else frame.columns)]
    sheet = book.create_sheet(sheet_title(title))
    _lay_out(sheet, heads, frame)
    row_cells = []
    for head in heads:
        cell = WriteOnlyCell(sheet, value=head)
        cell.data_type = "s"  # headers are text, never formulas
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        row_cells.append(cell)
    sheet.append(row_cells)
    formats = _formats(frame, number_formats or {})
    for row in _rows(sheet, frame):
        sheet.append([_formatted(sheet, v, formats.get(i)) for i, v in enumerate(row)] if formats else row)
    for line in footer:
        sheet.append([line])
    return sheet


def write_frame(frame: pd.DataFrame, target: str | IO[bytes] | Any, sheet_name: str, **options: Any) -> None:
    """A one-sheet workbook of `frame` (options as add_table_sheet's)."""
    book = new_workbook()
    add_table_sheet(book, sheet_name, frame, **options)
    book.save(target)


def _lay_out(sheet: WriteOnlyWorksheet, heads: list[str], frame: pd.DataFrame) -> None:
    last = get_column_letter(max(len(heads), 1))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    for i, (head, column) in enumerate(zip(heads, frame.columns, strict=False)):
        sheet.column_dimensions[get_column_letter(i + 1)].width = column_width(head, frame[column])


def _formats(frame: pd.DataFrame, number_formats: Mapping[str, str]) -> dict[int, str]:
    formats = {}
    for i, column in enumerate(frame.columns):
        if pd.api.types.is_datetime64_any_dtype(frame[column]) or _holds_dates(frame[column]):
            formats[i] = DATE_FORMAT  # a date without a format shows as a serial number: always formatted
        elif column in number_formats and len(frame) <= FORMAT_ROWS:
            formats[i] = number_formats[column]
    return formats


def _holds_dates(values: pd.Series) -> bool:
    return values.dtype == object and any(isinstance(v, dt.datetime) for v in values.head(WIDTH_SAMPLE))


def _rows(sheet: WriteOnlyWorksheet, frame: pd.DataFrame) -> Iterable[list[Any]]:
    """Rows of typed values; every text cell through safe_cells (untrusted text stays text, never a formula)."""
    values = frame.astype(object).where(frame.notna(), None)
    for row in values.itertuples(index=False, name=None):
        yield [xlsx_value(sheet, _cell_value(v)) for v in row]


def _cell_value(value: Any) -> Any:
    """A value openpyxl writes as what it is: numpy scalars as numbers, aware times in China time."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(CHINA).replace(tzinfo=None)
    return value


def _formatted(sheet: WriteOnlyWorksheet, value: Any, number_format: str | None) -> Any:
    if number_format is None or value is None or isinstance(value, Cell):  # a safe text cell already
        return value
    if number_format == DATE_FORMAT and not isinstance(value, dt.datetime):
        return value  # a mixed column (报告信息's values): only its times are dates
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA
