"""The `gradegate grade` job: read a file (in chunks when it is CSV), grade it
vectorized, write the graded table and the rejected rows.

Nothing is dropped without a trace: every input row ends up either in the
graded table or in the errors table (a row with several problems appears once
per problem), and the counts say so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa

from gradegate.scoring import errors as E
from gradegate.scoring.errors import FieldIssue
from gradegate.scoring.files import EXCEL_MAX_ROWS, atomic_path, table_format
from gradegate.scoring.grading.columns import map_input_headers, output_columns, output_headers
from gradegate.scoring.grading.frame import ERROR_COLUMNS, BatchGrades, grade_frame, grade_records
from gradegate.scoring.grading.ruleset import GradingRuleSet
from gradegate.scoring.headers import HeaderMap
from gradegate.scoring.messages import table_error
from gradegate.scoring.tabular import (
    CsvChunkWriter,
    iter_csv_chunks,
    place_lines,
    read_jsonl,
    read_table,
    spreadsheet_lines,
    write_excel,
    write_table,
)
from gradegate.scoring.vocabulary import AMOUNT_FIELDS

CHUNK_BYTES = 32 << 20  # ~180,000 projects a chunk: memory stays flat whatever the file's size


class GradingRun:
    def __init__(self, ruleset: GradingRuleSet, source: Path):
        self.ruleset = ruleset
        self.source = Path(source)
        self.read = self.graded = self.rejected = self.error_lines = 0
        self.header_issues: list[FieldIssue] = []  # unknown columns, each reported once

    def _headers(self, columns: Iterable[str]) -> HeaderMap:
        headers = map_input_headers(columns, self.ruleset)
        self.header_issues = headers.unknown
        return headers

    def _chunks(self, on_progress: Callable[[int], None]) -> Iterator[BatchGrades]:
        fmt = table_format(self.source)
        if not self.source.is_file():
            raise table_error("file.missing", path=self.source)
        if fmt == "csv":
            yield from self._csv_chunks(on_progress)
        elif fmt == "xlsx":
            frame = read_table(self.source)
            headers = self._headers(frame.columns)
            yield grade_frame(frame.rename(columns=headers.rename), self.ruleset, unit_exponents=headers.unit_exponents)
        else:
            yield self._jsonl()

    def _csv_chunks(self, on_progress: Callable[[int], None]) -> Iterator[BatchGrades]:
        seen: dict[str, int] = {}
        first_row = 1
        size = self.source.stat().st_size
        headers: HeaderMap | None = None
        for i, chunk in enumerate(iter_csv_chunks(self.source, CHUNK_BYTES)):
            headers = headers or self._headers(chunk.columns)
            chunk = chunk.rename(columns=headers.rename)
            yield grade_frame(
                chunk, self.ruleset, first_row=first_row, seen=seen, unit_exponents=headers.unit_exponents
            )
            first_row += len(chunk)
            on_progress(min(size, (i + 1) * CHUNK_BYTES))

    def _jsonl(self) -> BatchGrades:
        records, bad = read_jsonl(self.source)
        batch = grade_records([r for _, r in records], self.ruleset)
        lines = pd.Series([n for n, _ in records], index=range(1, len(records) + 1))
        batch.graded["row"] = batch.graded["row"].map(lines)
        batch.errors["row"] = batch.errors["row"].map(lines)
        batch.errors["line"] = batch.errors["row"]
        unreadable = pd.DataFrame(
            [{"row": n, "line": n, "project_id": None, "field": "(line)", "value": None, "reason": E.MALFORMED,
              "message": m.message} for n, m in bad],
            columns=ERROR_COLUMNS,
        )  # fmt: skip
        if len(unreadable):
            batch.errors = pd.concat([batch.errors, unreadable]).sort_values("row", kind="stable")
            batch.read += len(bad)
        return batch

    def execute(self, output: Path, errors_path: Path, on_progress: Callable[[int], None] = lambda n: None) -> None:
        columns = output_columns(self.ruleset)
        out_fmt = table_format(output)
        error_frames: list[pd.DataFrame] = []
        graded_frames: list[pd.DataFrame] = []
        with atomic_path(output) as tmp, open(tmp, "wb") as fh:
            writer = CsvChunkWriter(fh, _arrow_types(columns)) if out_fmt == "csv" else None
            for batch in self._chunks(on_progress):
                self.read += batch.read
                self.graded += batch.graded_count
                self.rejected += batch.rejected_count
                error_frames.append(batch.errors)
                if writer is not None:
                    writer.write(batch.graded[columns])
                else:
                    graded_frames.append(batch.graded[columns])
            if writer is not None:
                writer.close()
            else:
                if self.graded > EXCEL_MAX_ROWS:
                    raise table_error("file.too_many_rows", rows=self.graded, what="graded ", what_zh="评定结果")
                frame = pd.concat(graded_frames) if graded_frames else pd.DataFrame(columns=columns)
                write_excel(frame, fh, sheet_name="项目等级评定", headers=output_headers(self.ruleset))
        if table_format(self.source) == "csv" and any(len(e) for e in error_frames):
            # Blank lines: each rejected record's own line, as a spreadsheet shows it.
            lines = spreadsheet_lines(self.source, self.read)
            error_frames = [place_lines(frame, lines) for frame in error_frames]
        header_rows = pd.DataFrame(
            [{"line": 1, "field": i.field, "value": i.value, "reason": i.reason, "message": i.message}
             for i in self.header_issues],
            columns=ERROR_COLUMNS,
        )  # fmt: skip
        errors = pd.concat([header_rows, *error_frames]) if error_frames else header_rows
        self.error_lines = len(errors)
        if len(errors) or errors_path.exists():
            # A stale errors file from an earlier run would mislead: always rewrite it when it exists.
            write_table(errors, errors_path, sheet_name="rejected")


_INTEGER_COLUMNS = {"total_score", "margin", "row", "product_line_count"}
_FLOAT_COLUMNS = set(AMOUNT_FIELDS)


def _arrow_types(columns: list[str]) -> dict[str, pa.DataType]:
    def kind(c: str) -> pa.DataType:
        if c in _INTEGER_COLUMNS or c.startswith("points_"):
            return pa.int64()
        return pa.float64() if c in _FLOAT_COLUMNS else pa.string()

    return {c: kind(c) for c in columns}
