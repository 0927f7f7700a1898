"""Reading and writing the tables users hand us: CSV, Excel (.xlsx), JSON lines.

Cells are read as text, never guessed: "007" stays "007", "12,000,000" reaches
the parser as typed, and a blank cell is missing (not 0, not "nan"). Output
files are written atomically, so an interrupted run never leaves a
half-written file that looks complete.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from scoring.errors import GradegateError

CSV_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
NESTED = {
    "risk": ("risk_", ("scope", "legal", "cost", "contract_terms", "supplier")),
    "level_override": ("override_", ("level", "approved_by", "reason")),
}


class TableError(GradegateError):
    """The file as a whole cannot be used (unreadable, unknown format, not a table)."""


def table_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in EXCEL_SUFFIXES:
        return "xlsx"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    raise TableError(f"{path}: unknown file type {suffix or '(none)'!r}; use .csv, .xlsx or .jsonl")


def read_table(path: Path) -> pd.DataFrame:
    """The file as a DataFrame of text cells (missing = NA); column names trimmed."""
    path = Path(path)
    fmt = table_format(path)
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    try:
        if fmt == "csv":
            frame = pd.read_csv(
                path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig", engine="c"
            )
        elif fmt == "xlsx":
            frame = pd.read_excel(path, dtype=str, sheet_name=0, keep_default_na=False, na_values=[""])
        else:
            records, bad = read_jsonl(path)
            if bad:
                line, message = bad[0]
                raise TableError(f"{path}:{line}: {message}")
            rows = [{k: None if v is None else str(v) for k, v in flatten(r).items()} for _, r in records]
            frame = pd.DataFrame(rows)
            frame = frame.astype("str") if len(frame.columns) else frame
    except UnicodeDecodeError as exc:
        raise TableError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8") from None
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise TableError(f"{path}: cannot be read as {fmt}: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    dupes = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if dupes:
        raise TableError(f"{path}: column(s) {dupes} appear more than once")
    return frame


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


def read_jsonl(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, str]]]:
    """(line number, record) of a JSON-lines file; and (line, problem) for lines that are not objects."""
    records: list[tuple[int, dict[str, Any]]] = []
    bad: list[tuple[int, str]] = []
    with open(path, encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                bad.append((number, f"not valid JSON: {exc.msg} (column {exc.colno})"))
                continue
            if not isinstance(value, dict):
                bad.append((number, f"a line must be a JSON object, not {type(value).__name__}"))
                continue
            records.append((number, value))
    return records, bad


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`, moved onto it only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table(frame: pd.DataFrame, path: Path, sheet_name: str = "Sheet1") -> None:
    """CSV (UTF-8 with BOM, so Excel shows Chinese correctly) or .xlsx, by the extension."""
    fmt = table_format(Path(path))
    with atomic_path(path) as tmp:
        if fmt == "csv":
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
        elif fmt == "xlsx":
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                frame.to_excel(writer, index=False, sheet_name=sheet_name[:31])
        else:
            with open(tmp, "w", encoding="utf-8") as fh:
                for record in frame.to_dict(orient="records"):
                    fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
