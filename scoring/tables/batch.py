"""The `gradegate decide` job for tables (CSV, .xlsx): read in chunks, decide
vectorized, write the decided table and the refused rows.

Nothing is dropped without a trace: every input row is either in the decided
table or in the errors file (once per problem), and the counts say so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa

from gradegate.scoring.files import EXCEL_MAX_ROWS, atomic_path, table_format
from gradegate.scoring.headers import HeaderMap, map_headers
from gradegate.scoring.messages import table_error
from gradegate.scoring.tables.frame import ERROR_COLUMNS, FrameDecisions, decide_frame, output_columns
from gradegate.scoring.tables.ruleset import TableRuleSet
from gradegate.scoring.tabular import (
    CsvChunkWriter,
    iter_csv_chunks,
    place_lines,
    read_table,
    spreadsheet_lines,
    write_excel,
    write_table,
)

CHUNK_BYTES = 8 << 20  # some 250,000 records a chunk: memory stays flat whatever the file's size


class TableRun:
    def __init__(self, table: TableRuleSet, source: Path):
        self.table = table
        self.source = Path(source)
        self.read = self.decided = self.refused = self.error_lines = 0
        self._headers: HeaderMap | None = None

    def _with_codes(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Columns named by their Chinese labels (people.md) read as the inputs' codes; unknown columns stay
        (the table refuses a row that fills one, naming it). Amounts are in 元: a header in 万元 is refused."""
        if self._headers is None:
            inputs = self.table.rules.inputs
            labels = {name: spec.label for name, spec in inputs.items()}
            amounts = [name for name, spec in inputs.items() if spec.type == "number"]
            self._headers = map_headers(frame.columns, labels, amounts=amounts)
            scaled = [code for code, exponent in self._headers.unit_exponents.items() if exponent]
            if scaled:
                columns = ", ".join(labels[c] for c in scaled)
                raise table_error("header.scaled_in_table", path=self.source, columns=columns)
        return frame.rename(columns=self._headers.rename)

    def _chunks(self, on_progress: Callable[[int], None]) -> Iterator[FrameDecisions]:
        if not self.source.is_file():
            raise table_error("file.missing", path=self.source)
        if table_format(self.source) == "xlsx":
            yield decide_frame(self._with_codes(read_table(self.source)), self.table)
            return
        first_row, size = 1, self.source.stat().st_size
        for i, chunk in enumerate(iter_csv_chunks(self.source, CHUNK_BYTES)):
            yield decide_frame(self._with_codes(chunk), self.table, first_row=first_row)
            first_row += len(chunk)
            on_progress(min(size, (i + 1) * CHUNK_BYTES))

    def execute(self, output: Path, errors_path: Path, on_progress: Callable[[int], None] = lambda n: None) -> None:
        columns = output_columns(self.table)
        error_frames: list[pd.DataFrame] = []
        decided_frames: list[pd.DataFrame] = []
        to_csv = table_format(output) == "csv"
        with atomic_path(output) as tmp, open(tmp, "wb") as fh:
            types = {c: pa.int64() if c == "row" else pa.string() for c in columns}
            writer = CsvChunkWriter(fh, types) if to_csv else None
            for batch in self._chunks(on_progress):
                self.read += batch.read
                self.decided += batch.read - batch.refused
                self.refused += batch.refused
                error_frames.append(batch.errors)
                if writer is not None:
                    writer.write_arrow(batch.table)
                else:
                    decided_frames.append(batch.decided)
            if writer is not None:
                writer.close()
            else:
                if self.decided > EXCEL_MAX_ROWS:
                    raise table_error("file.too_many_rows", rows=self.decided, what="", what_zh="")
                frame = pd.concat(decided_frames) if decided_frames else pd.DataFrame(columns=columns)
                write_excel(frame, fh, sheet_name=self.table.rules.label)
        if table_format(self.source) == "csv" and any(len(e) for e in error_frames):
            # Blank lines: each rejected record's own line, as a spreadsheet shows it.
            lines = spreadsheet_lines(self.source, self.read)
            error_frames = [place_lines(frame, lines) for frame in error_frames]
        errors = pd.concat(error_frames) if error_frames else pd.DataFrame(columns=ERROR_COLUMNS)
        self.error_lines = len(errors)
        if len(errors) or errors_path.exists():
            # A stale errors file from an earlier run would mislead: always rewrite it when it exists.
            write_table(errors, errors_path, sheet_name="rejected")
