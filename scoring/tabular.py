"""Reading and writing the tables users hand us: CSV, Excel (.xlsx), JSON lines.

Cells are read as text, never guessed: "007" stays "007", "12,000,000" reaches
the parser as typed, and a blank cell is missing (not 0, not "nan"). Output
files are written atomically, so an interrupted run never leaves a
half-written file that looks complete.
"""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from gradegate.scoring.errors import MALFORMED, WRONG_TYPE, FieldIssue
from gradegate.scoring.files import atomic_path, table_format
from gradegate.scoring.messages import issue, table_error
from gradegate.scoring.safe_cells import neutralize_arrow, neutralize_frame
from gradegate.scoring.vocabulary import AMOUNT_FIELDS

NESTED = {
    "risk": ("risk_", ("scope", "legal", "cost", "contract_terms", "supplier")),
    "level_override": ("override_", ("level", "approved_by", "reason")),
}


def read_table(path: Path) -> pd.DataFrame:
    """The file as a DataFrame of text cells (missing = NA); column names trimmed."""
    path = Path(path)
    fmt = table_format(path)
    if not path.is_file():
        raise table_error("file.missing", path=path)
    try:
        if fmt == "csv":
            chunks = list(iter_csv_chunks(path))
            frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
        elif fmt == "xlsx":
            check_workbook_size(path)
            frame = pd.read_excel(path, dtype=str, sheet_name=0, keep_default_na=False, na_values=[""])
        else:
            records, bad = read_jsonl(path)
            if bad:
                line, problem = bad[0]
                raise table_error(
                    "file.line", path=path, line=line, detail_zh=problem.message, detail_en=problem.in_language("en")
                )
            rows = [{k: None if v is None else str(v) for k, v in flatten(r).items()} for _, r in records]
            frame = pd.DataFrame(rows)
            frame = frame.astype("str") if len(frame.columns) else frame
    except UnicodeDecodeError as exc:
        raise table_error("file.not_utf8", path=path, why=exc.reason, byte=exc.start) from None
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise table_error("file.unreadable", path=path, fmt=fmt, error=exc) from None
    frame = _clean_columns(frame, path)
    if fmt == "csv":
        lines = spreadsheet_lines(path, len(frame))
        if lines is not None:
            frame.attrs[LINES_ATTR] = lines
    return frame


# An .xlsx is a zip of XML: refused before reading when it would expand past these (a "zip bomb").
# Real sheets compress 5–20×; a 100,000-project sheet is about 100 MB of XML.
MAX_XLSX_EXPANDED = 1 << 30
MAX_XLSX_RATIO = 200
MAX_HEADER_CHARS = 1 << 20  # a CSV header line longer than this is not a header


def check_workbook_size(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        return  # not a workbook at all: the reader says so in its own words
    expanded = sum(e.file_size for e in entries)
    if expanded > MAX_XLSX_EXPANDED:
        raise table_error("file.workbook_too_large", path=path, expanded=expanded, limit=MAX_XLSX_EXPANDED)
    for e in entries:
        if e.file_size > (1 << 20) and e.file_size > MAX_XLSX_RATIO * max(e.compress_size, 1):
            ratio = e.file_size // max(e.compress_size, 1)
            raise table_error(
                "file.workbook_ratio",
                path=path,
                entry=e.filename,
                ratio=ratio,
                mb=e.file_size >> 20,
                limit=MAX_XLSX_RATIO,
            )


def _clean_columns(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    frame.columns = [str(c).strip() for c in frame.columns]
    dupes = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if dupes:
        raise table_error("file.duplicate_columns", path=path, columns=dupes)
    return frame


_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' "str" dtype, Arrow-backed


def iter_csv_chunks(path: Path, block_bytes: int = 32 << 20) -> Iterator[pd.DataFrame]:
    """A CSV file as DataFrames of text cells, one per block: Arrow's parser, every column a string."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            first = fh.readline(MAX_HEADER_CHARS + 1)
        if len(first) > MAX_HEADER_CHARS:
            raise table_error("file.header_too_long", path=path, limit=MAX_HEADER_CHARS)
        header = next(csv.reader([first]), None)
    except UnicodeDecodeError as exc:
        raise table_error("file.not_utf8", path=path, why=exc.reason, byte=exc.start) from None
    if not header:
        raise table_error("file.empty", path=path)
    _clean_columns(pd.DataFrame(columns=header), path)
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=block_bytes),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header}, null_values=[""], strings_can_be_null=True
            ),
        )
        for batch in reader:
            frame = batch.to_pandas(types_mapper={pa.string(): _TEXT}.get)
            yield _clean_columns(frame, path)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        if "straddl" in str(exc):  # one row longer than a whole block
            raise table_error("file.row_too_long", path=path, mb=block_bytes >> 20) from None
        raise table_error("file.unreadable", path=path, fmt="CSV", error=exc) from None


# A frame read from a CSV with blank lines carries the line of each record here (read_table).
LINES_ATTR = "spreadsheet_lines"
_SCAN_BYTES = 16 << 20


def _has_blank_line(path: Path) -> bool:
    """Whether the file holds an empty line anywhere: one quick scan, so that the usual file pays nothing more."""
    with open(path, "rb") as fh:
        carry = b""
        while block := fh.read(_SCAN_BYTES):
            window = carry + block
            if b"\n\n" in window or b"\n\r\n" in window:
                return True
            carry = window[-2:]
    return False


def spreadsheet_lines(path: Path, records: int) -> np.ndarray | None:
    """The line a spreadsheet shows for each record of a CSV (the header is line 1), when the file holds
    blank lines; None when record k (1-based) is simply on line k + 1.

    People.md: errors files name the line as a spreadsheet shows it. Arrow's reader skips empty lines,
    which a spreadsheet shows as empty rows, so every record after one would be named a line too early.
    Lines are counted outside quoted cells (a cell may hold line breaks: one row in a spreadsheet).
    None too when the count disagrees with the `records` the reader produced: never a wrong guess.
    """
    path = Path(path)
    if not _has_blank_line(path):
        return None
    ends: list[np.ndarray] = []  # the offset of every line break outside quotes
    after_cr: list[np.ndarray] = []  # whether the byte before it is \r (a \r\n break)
    quotes, offset, last = 0, 0, 0
    with open(path, "rb") as fh:
        while block := fh.read(_SCAN_BYTES):
            data = np.frombuffer(block, dtype=np.uint8)
            quoted = (np.cumsum(data == ord('"'), dtype=np.int64) + quotes) % 2 == 1
            breaks = np.flatnonzero((data == ord("\n")) & ~quoted)
            before = np.where(breaks > 0, data[np.maximum(breaks - 1, 0)], last)
            ends.append(breaks + offset)
            after_cr.append(before == ord("\r"))
            quotes += int((data == ord('"')).sum())
            offset, last = offset + len(data), int(data[-1])
    end = np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64)
    cr = np.concatenate(after_cr) if after_cr else np.zeros(0, dtype=bool)
    starts = np.concatenate([[0], end[:-1] + 1])
    blank = (end - starts - cr) == 0
    numbers = np.arange(1, len(end) + 1)
    lines = numbers[1:][~blank[1:]]  # line 1 is the header
    if offset > (int(end[-1]) + 1 if len(end) else 0):  # a last line without a final line break
        lines = np.append(lines, len(end) + 1)
    return lines if len(lines) == records else None


def place_lines(errors: pd.DataFrame, lines: np.ndarray | None) -> pd.DataFrame:
    """The errors' `line` from their `row` (the 1-based record number) where `lines` says otherwise."""
    if lines is None or not len(errors):
        return errors
    rows = pd.to_numeric(errors["row"], errors="coerce").to_numpy(dtype="float64")
    known = ~np.isnan(rows) & (rows >= 1) & (rows <= len(lines))
    line = errors["line"].to_numpy(copy=True)  # its own dtype: numbers stay numbers in a workbook
    line[known] = lines[rows[known].astype(np.int64) - 1]
    errors = errors.copy()
    errors["line"] = line
    return errors


class CsvChunkWriter:
    """Writes a CSV in chunks with Arrow's writer (UTF-8 with BOM, so Excel shows Chinese correctly),
    formula-like text neutralized (safe_cells)."""

    def __init__(self, fh: BinaryIO, columns: dict[str, pa.DataType]):
        self.schema = pa.schema(list(columns.items()))
        fh.write(b"\xef\xbb\xbf")
        self._writer = pacsv.CSVWriter(fh, self.schema, write_options=pacsv.WriteOptions(quoting_style="needed"))

    def write(self, frame: pd.DataFrame) -> None:
        frame = neutralize_frame(frame)
        self._writer.write_table(pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False))

    def write_arrow(self, table: pa.Table) -> None:
        """Arrow columns as they are; a dictionary-encoded column (a few distinct values spread over
        many rows) is neutralized once per distinct value and only then spread."""
        columns = []
        for field, column in zip(self.schema, table.columns, strict=True):
            values = column.combine_chunks()
            if pa.types.is_dictionary(values.type):
                words = values.dictionary
                if pa.types.is_string(words.type):
                    words = neutralize_arrow(words)
                values = words.take(values.indices)
            elif pa.types.is_string(values.type):
                values = neutralize_arrow(values)
            columns.append(values.cast(field.type))
        self._writer.write_table(pa.Table.from_arrays(columns, schema=self.schema))

    def close(self) -> None:
        self._writer.close()


def flatten(record: Mapping[str, Any]) -> dict[str, Any]:
    """Nested `risk` / `level_override` objects as the flat columns of a CSV row."""
    out = dict(record)
    for key, (prefix, parts) in NESTED.items():
        nested = out.get(key)
        if isinstance(nested, Mapping):
            del out[key]
            for part in parts:
                out[prefix + part] = nested.get(part)
    return out


def records_frame(records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """JSON records (nested or flat, as `flatten` reads them) as a table of text cells, built
    column by column: what the vectorized parsers read, without a dict per row."""
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(record))
    columns: dict[str, list[Any]] = {}
    for key in keys:
        if key not in NESTED:
            columns[key] = [r.get(key) for r in records]
    for key, (prefix, parts) in NESTED.items():
        if key not in keys:
            continue
        nested = [r.get(key) for r in records]
        for part in parts:
            flat = columns.get(prefix + part, [None] * len(records))
            columns[prefix + part] = [
                n.get(part) if isinstance(n, Mapping) else f for n, f in zip(nested, flat, strict=True)
            ]
    return pd.DataFrame(
        {name: pd.Series(values, dtype="str") for name, values in columns.items()}, index=range(len(records))
    )


def read_jsonl(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, FieldIssue]]]:
    """(line number, record) of a JSON-lines file; and (line, problem) for lines that are not objects."""
    records: list[tuple[int, dict[str, Any]]] = []
    bad: list[tuple[int, FieldIssue]] = []
    with open(path, encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                error = f"{exc.msg} (column {exc.colno})"
                bad.append((number, issue("", None, MALFORMED, "a JSON object", key="line.malformed", line=number,
                                           error=error)))  # fmt: skip
                continue
            if not isinstance(value, dict):
                kind = type(value).__name__
                bad.append((number, issue("", None, WRONG_TYPE, "object", key="line.not_an_object", line=number,
                                          kind=kind)))  # fmt: skip
                continue
            records.append((number, value))
    return records, bad


def write_excel(
    frame: pd.DataFrame, target: Path | BinaryIO, sheet_name: str, headers: Mapping[str, str] | None = None
) -> None:
    """One table sheet laid out for people (scoring.workbook); `headers`: column code → header shown."""
    from gradegate.scoring.workbook import write_frame  # openpyxl (0.1 s to import): only for a workbook

    shown = [headers.get(c, c) for c in frame.columns] if headers else None
    formats = {c: "#,##0.##" for c in frame.columns if c in AMOUNT_FIELDS}
    write_frame(frame, target, sheet_name, headers=shown, number_formats=formats)


def write_csv(frame: pd.DataFrame, target: Path | BinaryIO) -> None:
    """CSV, UTF-8 with BOM (Excel shows Chinese correctly), formula-like text neutralized (safe_cells)."""
    neutralize_frame(frame).to_csv(target, index=False, encoding="utf-8-sig")


def write_table(frame: pd.DataFrame, path: Path, sheet_name: str = "Sheet1") -> None:
    """CSV (UTF-8 with BOM, so Excel shows Chinese correctly) or .xlsx, by the extension."""
    fmt = table_format(Path(path))
    with atomic_path(path) as tmp:
        if fmt == "csv":
            write_csv(frame, tmp)
        elif fmt == "xlsx":
            write_excel(frame, tmp, sheet_name)
        else:
            with open(tmp, "w", encoding="utf-8") as fh:
                for record in frame.to_dict(orient="records"):
                    fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
