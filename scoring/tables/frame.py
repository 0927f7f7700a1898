"""A whole table of records through a decision table, column by column (the batch path).

The twin of the single path (input.py + engine.py): each input column is parsed
vectorized (numbers through the shared scoring.number_frame, booleans and codes once
per distinct spelling through the scalar parser), every atom is a numpy mask,
and the atoms of a row are packed into one integer. Outputs come from
result.Outcomes once per distinct pattern, as for a single record. A refused
row is handed to the single-record parser for its messages, so both paths
refuse the same rows with the same words (tests/test_table_parity.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from gradegate.scoring.errors import EngineError, FieldIssue, InputError
from gradegate.scoring.number_frame import bool_mask, text_numbers
from gradegate.scoring.tables.conditions import Check
from gradegate.scoring.tables.input import InputParser
from gradegate.scoring.tables.result import Outcome
from gradegate.scoring.tables.ruleset import TableRuleSet
from gradegate.scoring.values import TRIM, is_blank

TEXT = pd.StringDtype("pyarrow", na_value=np.nan)
# `row`: the 1-based record number; `line`: the line a spreadsheet shows (the header is line 1), as
# people.md asks of every errors file.
ERROR_COLUMNS = ["row", "line", "id", "field", "value", "reason", "message", "accepted"]
LIST_SEPARATOR = ";"


@dataclass
class Column:
    """One parsed input: values (float64 with NaN, int8 1/0/-1, or text with NA), where given, where refused."""

    values: Any
    present: np.ndarray
    bad: np.ndarray


@dataclass
class FrameDecisions:
    # One row per decided record: row, id, outputs (lists joined by ";"), labels, rules. Every column
    # after the id is dictionary-encoded: its few distinct cells (one per pattern) and an index per row.
    table: pa.Table
    errors: pd.DataFrame  # one row per problem of a refused record (ERROR_COLUMNS)
    read: int
    refused: int

    @cached_property
    def decided(self) -> pd.DataFrame:
        """The decided rows as a frame of text cells, every output spread over its rows."""
        plain = [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in self.table.columns]
        frame: pd.DataFrame = pa.table(plain, names=self.table.column_names).to_pandas(
            types_mapper={pa.string(): TEXT}.get
        )
        return frame


def _blank(col: pd.Series) -> tuple[pd.Series, np.ndarray]:
    stripped = col.str.strip(TRIM)
    return stripped, col.isna().to_numpy() | bool_mask(stripped == "")


def _by_spelling(col: pd.Series, parse: Any) -> tuple[list[Any], np.ndarray, np.ndarray]:
    """Each distinct cell parsed once by the scalar parser: (parsed per unique, unique index per row, refused)."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    parsed = [parse(u) for u in uniques]
    parsed.append(parse(None))  # index -1 (NA) reads the last slot
    refused = np.array([isinstance(p, Exception) for p in parsed], dtype=bool)
    return parsed, codes, refused[codes]


def parse_column(parser: InputParser, name: str, col: pd.Series) -> Column:
    spec = parser.inputs[name]

    def scalar(value: Any) -> Any:
        result = parser.parse_value(name, value)
        return ValueError() if isinstance(result, FieldIssue) else result

    if spec.type == "number":
        stripped, blank = _blank(col)
        numbers, shaped = text_numbers(stripped, spec.integer)
        with np.errstate(invalid="ignore"):
            ok = shaped & np.isfinite(numbers) & (numbers >= spec.lowest) & (numbers <= spec.highest)
            if spec.integer:
                ok &= np.floor(numbers) == numbers
        if not spec.required:
            fill = np.nan if spec.default is None else float(spec.default)
            numbers = np.where(blank, fill, numbers)
            ok |= blank
        numbers = np.where(ok, numbers, np.nan)
        return Column(numbers, ~np.isnan(numbers), ~ok)
    if spec.type == "text":
        stripped, blank = _blank(col)
        bad = blank.copy() if spec.required else np.zeros(len(col), dtype=bool)
        if spec.max_length is not None:
            bad |= bool_mask(stripped.str.len() > spec.max_length)
        values = stripped.mask(blank | bad).reset_index(drop=True)
        present = ~(blank | bad)
        if spec.default is not None:
            values = values.mask(blank, str(spec.default))
            present |= blank
        return Column(values, present, bad)
    parsed, codes, bad = _by_spelling(col, scalar)
    if spec.type == "boolean":
        lookup = np.array([-1 if p is None or isinstance(p, Exception) else int(p) for p in parsed], dtype=np.int8)
        values = lookup[codes]
        return Column(values, values >= 0, bad)
    lookup_obj = np.array([None if isinstance(p, Exception) else p for p in parsed], dtype=object)
    values = pd.Series(lookup_obj[codes], dtype=TEXT)
    return Column(values, values.notna().to_numpy(), bad)


def check_mask(check: Check, column: Column) -> np.ndarray:
    if check.blank is True:
        return ~column.present
    mask = column.present.copy()
    v = column.values
    with np.errstate(invalid="ignore"):
        if check.low != float("-inf"):
            mask &= (v >= check.low) if check.low_in else (v > check.low)
        if check.high != float("inf"):
            mask &= (v <= check.high) if check.high_in else (v < check.high)
    if check.values is not None:
        if isinstance(v, np.ndarray) and v.dtype == np.int8:
            mask &= np.isin(v, [int(x) for x in check.values if isinstance(x, bool)])
        else:
            mask &= bool_mask(v.isin([x for x in check.values if isinstance(x, str)]))
    return mask


def _text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as Arrow-backed text (an .xlsx or a hand-made frame may hold other types)."""
    out = {}
    for name in frame.columns:
        col = frame[name]
        if not (pd.api.types.is_string_dtype(col) and col.dtype != object):
            col = pd.Series([None if is_blank(v) else str(v) for v in col], dtype=TEXT)
        out[str(name)] = col.reset_index(drop=True)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def _absent(n: int) -> pd.Series:
    """An input the table has no column for: n blank cells."""
    return pd.Series(pd.array(pa.nulls(n, pa.string()), dtype=TEXT))


def decide_frame(frame: pd.DataFrame, table: TableRuleSet, *, first_row: int = 1) -> FrameDecisions:
    frame = _text_frame(frame)
    n = len(frame)
    parser = table.parser
    columns = {
        name: parse_column(parser, name, frame[name] if name in frame.columns else _absent(n)) for name in parser.inputs
    }
    refused = np.zeros(n, dtype=bool)
    for c in columns.values():
        refused |= c.bad
    for name in frame.columns:
        if name not in parser.inputs:
            refused |= ~_blank(frame[name])[1]
    keys = np.zeros(n, dtype=np.int64)
    for i, checks in enumerate(table.atoms):
        holds = np.ones(n, dtype=bool)
        for check in checks:
            holds &= check_mask(check, columns[check.field])
        keys |= holds.astype(np.int64) << i
    ok = np.flatnonzero(~refused)
    patterns, inverse = np.unique(keys[ok], return_inverse=True)
    outcomes = [table.outcomes.of(frozenset(i for i in range(len(table.atoms)) if int(p) >> i & 1)) for p in patterns]
    ids = columns[table.rules.id_field].values
    decided = _decided(table, outcomes, inverse, ok, ids, first_row)
    errors = _errors(frame, parser, np.flatnonzero(refused), table.rules.id_field, first_row)
    return FrameDecisions(decided, errors, n, int(refused.sum()))


def output_columns(table: TableRuleSet) -> list[str]:
    names = list(table.outcomes.of(frozenset()).outputs)
    return ["row", table.rules.id_field, *names, "matched_rules", "ruleset_name", "ruleset_version", "ruleset_hash"]


def cell_text(value: Any) -> str | None:
    """An output as a cell of the decided table: lists joined by ";", booleans true/false."""
    if value is None:
        return None
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _decided(
    table: TableRuleSet, outcomes: list[Outcome], inverse: np.ndarray, ok: np.ndarray, ids: pd.Series, first_row: int
) -> pa.Table:
    # Each output is worked out once per distinct pattern and stays there: a column is the
    # pattern's cells plus each row's pattern number (dictionary-encoded), never a cell per row.
    pattern = pa.array(inverse.astype(np.int32))

    def per_pattern(cells: list[str | None]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pattern, pa.array(cells, type=pa.string()))

    cols: dict[str, pa.Array] = {
        "row": pa.array(ok.astype(np.int64) + first_row),
        table.rules.id_field: pa.array(ids, type=pa.string()).take(pa.array(ok.astype(np.int64))),
    }
    for name in output_columns(table)[2:-4]:
        cols[name] = per_pattern([cell_text(o.outputs[name]) for o in outcomes])
    cols["matched_rules"] = per_pattern([LIST_SEPARATOR.join(m.code for m in o.matched) for o in outcomes])
    same = pa.array(np.zeros(len(ok), dtype=np.int32))
    for key in ("name", "version", "hash"):
        cols[f"ruleset_{key}"] = pa.DictionaryArray.from_arrays(same, pa.array([getattr(table.ref, key)], pa.string()))
    return pa.table(cols)


def _errors(frame: pd.DataFrame, parser: InputParser, rows: np.ndarray, id_field: str, first_row: int) -> pd.DataFrame:
    records: list[dict[str, Any]] = []
    cells = {name: frame[name].iloc[rows].tolist() for name in frame.columns}
    for k, pos in enumerate(rows):
        record = {name: cells[name][k] for name in frame.columns if not is_blank(cells[name][k])}
        try:
            parser.parse(record)
        except InputError as exc:
            for issue in exc.issues:
                row = int(pos) + first_row
                records.append({"row": row, "line": row + 1, "id": record.get(id_field), **issue.to_dict()})
            continue
        raise EngineError(f"row {int(pos) + first_row}: refused by the batch path, accepted by the single path")
    return pd.DataFrame(records, columns=ERROR_COLUMNS)
