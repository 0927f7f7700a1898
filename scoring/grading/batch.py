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
from gradegate.scoring.errors import TableError
from gradegate.scoring.files import EXCEL_MAX_ROWS, atomic_path, table_format
from gradegate.scoring.grading.frame import ERROR_COLUMNS, BatchGrades, grade_frame, grade_records
from gradegate.scoring.grading.input import PASS_THROUGH, RECORD_FIELDS
from gradegate.scoring.grading.ruleset import GradingRuleSet
from gradegate.scoring.tabular import (
    CsvChunkWriter,
    iter_csv_chunks,
    read_jsonl,
    read_table,
    write_excel,
    write_table,
)
from gradegate.scoring.values import did_you_mean

CHUNK_BYTES = 32 << 20  # ~180,000 projects a chunk: memory stays flat whatever the file's size


def output_columns(ruleset: GradingRuleSet) -> list[str]:
    """The graded table's columns: grading.md's first, then labels, override, context and traceability."""
    points = [f"points_{c.code}" for c in ruleset.rules.criteria]
    return [
        "project_id", "total_score", "level", "computed_level", "risk_level", "margin", *points,
        "level_label", "computed_level_label", "override_level", "override_approved_by", "override_reason",
        "project_name", "office", "region", "stage", "row", "ruleset_name", "ruleset_version", "ruleset_hash",
    ]  # fmt: skip


class GradingRun:
    def __init__(self, ruleset: GradingRuleSet, source: Path):
        self.ruleset = ruleset
        self.source = Path(source)
        self.read = self.graded = self.rejected = self.error_lines = 0
        self.warnings: list[str] = []  # said once per run: columns the grader does not read

    def _check_columns(self, columns: Iterable[str]) -> None:
        if self.warnings:
            return
        for column in columns:
            if column not in RECORD_FIELDS:
                self.warnings.append(
                    f"column {column!r} is not a grading column{did_you_mean(column, RECORD_FIELDS)}; ignored "
                    f"(pass-through columns kept in the graded table: {', '.join(PASS_THROUGH)})"
                )

    def _chunks(self, on_progress: Callable[[int], None]) -> Iterator[BatchGrades]:
        fmt = table_format(self.source)
        if not self.source.is_file():
            raise TableError(f"{self.source}: no such file")
        if fmt == "csv":
            yield from self._csv_chunks(on_progress)
        elif fmt == "xlsx":
            frame = read_table(self.source)
            self._check_columns(frame.columns)
            yield grade_frame(frame, self.ruleset)
        else:
            yield self._jsonl()

    def _csv_chunks(self, on_progress: Callable[[int], None]) -> Iterator[BatchGrades]:
        seen: dict[str, int] = {}
        first_row = 1
        size = self.source.stat().st_size
        for i, chunk in enumerate(iter_csv_chunks(self.source, CHUNK_BYTES)):
            self._check_columns(chunk.columns)
            yield grade_frame(chunk, self.ruleset, first_row=first_row, seen=seen)
            first_row += len(chunk)
            on_progress(min(size, (i + 1) * CHUNK_BYTES))

    def _jsonl(self) -> BatchGrades:
        records, bad = read_jsonl(self.source)
        batch = grade_records([r for _, r in records], self.ruleset)
        lines = pd.Series([n for n, _ in records], index=range(1, len(records) + 1))
        batch.graded["row"] = batch.graded["row"].map(lines)
        batch.errors["row"] = batch.errors["row"].map(lines)
        unreadable = pd.DataFrame(
            [{"row": n, "project_id": None, "field": "(line)", "value": None, "reason": E.MALFORMED, "message": m}
             for n, m in bad],
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
                    raise TableError(f"{self.graded:,} graded rows do not fit an Excel sheet; write a .csv instead")
                frame = pd.concat(graded_frames) if graded_frames else pd.DataFrame(columns=columns)
                write_excel(frame, fh, sheet_name="项目等级评定")
        errors = pd.concat(error_frames) if error_frames else pd.DataFrame(columns=ERROR_COLUMNS)
        self.error_lines = len(errors)
        if len(errors) or errors_path.exists():
            # A stale errors file from an earlier run would mislead: always rewrite it when it exists.
            write_table(errors, errors_path, sheet_name="rejected")


_INTEGER_COLUMNS = {"total_score", "margin", "row"}


def _arrow_types(columns: list[str]) -> dict[str, pa.DataType]:
    return {c: pa.int64() if c in _INTEGER_COLUMNS or c.startswith("points_") else pa.string() for c in columns}
