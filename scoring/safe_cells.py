"""Untrusted text stays text in every spreadsheet we write: the one place that makes it so.

Project names, offices and error values come from users. A spreadsheet executes a
cell that starts with `=` (and, in CSV, also `+`, `-`, `@`, tab or carriage return):
`=HYPERLINK("http://x","点击")` in a project name would become a live link in the
files management opens (OWASP "CSV injection"). Every writer of a CSV or xlsx file
goes through this module:

- CSV: a text cell that starts with one of those characters gets a leading `'`
  (the OWASP neutralization; a spreadsheet shows the text, the `'` hidden or
  visible depending on the program). A cell that is a plain number (`-12.5`,
  `1e3`) is left as it is: a spreadsheet reads it as a number, never a formula,
  and numeric columns must stay numbers.
- xlsx: a cell holding text is always written as a string cell (openpyxl would
  otherwise turn a value starting with `=` into a formula); characters that an
  xlsx file cannot hold (C0 controls such as NUL) become U+FFFD instead of
  failing the whole write.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:  # openpyxl (0.1 s to import) loads only when a workbook is written
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Characters a spreadsheet may treat as the start of a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DANGEROUS = r"^[=+\-@\t\r]"
# A plain number, as a spreadsheet reads it: left alone (a negative amount stays a number).
_PLAIN_NUMBER = r"^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)


def neutralize_text(value: str) -> str:
    """One CSV cell's text, safe to open in a spreadsheet."""
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER_RE.match(value):
        return "'" + value
    return value


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every dangerous text cell neutralized (numeric columns untouched); a copy when needed."""
    out = frame
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if pd.api.types.is_string_dtype(series) and series.dtype != object:
            is_text = series.notna()  # a str column: every present cell is text
        else:
            is_text = series.map(lambda v: isinstance(v, str), na_action="ignore").fillna(False).astype(bool)
        if not is_text.any():
            continue
        text = series[is_text].astype(str)
        bad = text.str.match(_DANGEROUS) & ~text.str.match(_PLAIN_NUMBER)
        if bad.any():
            if out is frame:
                out = frame.copy()
            fixed = out[column].astype(object)
            fixed[bad[bad].index] = "'" + text[bad]
            out[column] = fixed
    return out


def neutralize_arrow(values: pa.Array) -> pa.Array:
    """An Arrow text column with every dangerous cell neutralized, as neutralize_frame does (the same
    patterns, matched by the same engine: pandas' Arrow strings call these kernels); nulls stay null."""
    dangerous = pc.fill_null(pc.match_substring_regex(values, _DANGEROUS), False)
    if not pc.any(dangerous).as_py():
        return values
    dangerous = pc.and_(dangerous, pc.invert(pc.fill_null(pc.match_substring_regex(values, _PLAIN_NUMBER), False)))
    return pc.if_else(dangerous, pc.binary_join_element_wise("'", values, ""), values)


def xlsx_value(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """A value to append to a write-only sheet: text that openpyxl would misread becomes a string cell."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # loaded by now (the sheet is openpyxl's): a lookup

    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text, never a formula
        return cell
    return value


def xlsx_rows(sheet: WriteOnlyWorksheet, frame: pd.DataFrame) -> Iterator[list[Any]]:
    """The frame's rows for `sheet.append`, NA as empty cells, every text cell safe."""
    values = frame.astype(object).where(frame.notna(), None)
    for row in values.itertuples(index=False, name=None):
        yield [xlsx_value(sheet, v) for v in row]
