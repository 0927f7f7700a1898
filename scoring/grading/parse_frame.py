"""A whole table of grading rows → normalized columns, column by column.

The vectorized twin of scoring/grading_input.py: the same acceptance, the same
normalized values and, for every rejected cell, the very message the
single-record parser gives (rejected cells are passed to the scalar parser,
so messages cannot drift). tests/test_grading_parity.py holds them together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gradegate.scoring.errors import FieldIssue
from gradegate.scoring.grading.input import OVERRIDE_PARTS, TEXT_LIMITS, ProjectParser
from gradegate.scoring.values import NUMBER_PATTERN, TRIM, EnumVocabulary, Issues, is_blank, parse_number, parse_text
from gradegate.scoring.vocabulary import GRADING_FIELDS, MAX_AMOUNT, RISK_FACTORS


@dataclass
class ParsedFrame:
    """Normalized columns (NaN/None where a cell was rejected) and the issues, by row position."""

    columns: dict[str, Any] = field(default_factory=dict)
    issues: list[tuple[int, FieldIssue]] = field(default_factory=list)

    def reject(self, positions: np.ndarray, raw: pd.Series, check: Callable[[Any], object]) -> None:
        for pos in positions:
            issue = check(raw.iat[pos])
            if isinstance(issue, FieldIssue):
                self.issues.append((int(pos), issue))


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _is_text(col: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(col) and col.dtype != object


def _mask(values: pd.Series) -> np.ndarray:
    """A boolean Series (Arrow-backed, may hold NA) as a writable numpy mask, NA as False."""
    return values.to_numpy(dtype=bool, na_value=False).copy()


def _blank(col: pd.Series) -> np.ndarray:
    if _is_text(col):
        stripped = col.str.strip(TRIM)
        blank: np.ndarray = col.isna().to_numpy() | _mask(stripped == "")
        return blank
    return np.array([is_blank(v) for v in col], dtype=bool)


def parse_text_column(out: ParsedFrame, col: pd.Series, name: str, required: bool) -> None:
    limit = TEXT_LIMITS[name]
    if _is_text(col):
        stripped = col.str.strip(TRIM)
        blank = stripped.isna().to_numpy() | _mask(stripped == "")
        bad = blank.copy() if required else np.zeros(len(col), dtype=bool)
        if limit is not None:
            bad |= _mask(stripped.str.len() > limit)
        out.reject(np.flatnonzero(bad), col, lambda v: parse_text(v, name, required=required, max_length=limit))
        out.columns[name] = stripped.mask(bad | blank).reset_index(drop=True)
        return
    parsed = [parse_text(v, name, required=required, max_length=limit) for v in col]
    out.issues.extend((i, p) for i, p in enumerate(parsed) if isinstance(p, FieldIssue))
    out.columns[name] = pd.Series([None if isinstance(p, FieldIssue) else p for p in parsed], dtype="str")


def parse_number_column(
    out: ParsedFrame, col: pd.Series, name: str, minimum: float, integer: bool, maximum: float = MAX_AMOUNT
) -> None:
    def check(v: Any) -> Any:
        return parse_number(v, name, minimum=minimum, maximum=maximum, integer=integer)

    if _is_text(col):
        stripped = col.str.strip(TRIM)
        shaped = _mask(stripped.str.fullmatch(NUMBER_PATTERN))
        numbers = stripped.where(shaped).str.replace(",", "", regex=False).astype("float64").to_numpy()
    elif pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        numbers = col.astype("float64").to_numpy()
        shaped = ~np.isnan(numbers)
    else:
        parsed = [check(v) for v in col]
        numbers = np.array([np.nan if isinstance(p, FieldIssue) else p for p in parsed], dtype="float64")
        out.issues.extend((i, p) for i, p in enumerate(parsed) if isinstance(p, FieldIssue))
        out.columns[name] = numbers
        return
    with np.errstate(invalid="ignore"):
        ok = shaped & np.isfinite(numbers) & (numbers >= minimum) & (numbers <= maximum)
        if integer:
            ok &= np.floor(numbers) == numbers
    out.reject(np.flatnonzero(~ok), col, check)
    out.columns[name] = np.where(ok, numbers, np.nan)


def parse_enum_column(
    out: ParsedFrame, col: pd.Series, vocab: EnumVocabulary, name: str, optional: bool = False
) -> None:
    """Codes as a Categorical over the vocabulary's codes; each distinct spelling is parsed once."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    categories = list(vocab.labels)
    index_of = {code: i for i, code in enumerate(categories)}
    lookup = np.full(len(uniques) + 1, -1, dtype=np.int64)  # last slot: NA
    unique_issue: dict[int, FieldIssue] = {}
    for u, raw in enumerate(uniques):
        if optional and is_blank(raw):
            continue
        parsed = vocab.parse(raw, name)
        if isinstance(parsed, FieldIssue):
            unique_issue[u] = parsed
        else:
            lookup[u] = index_of[parsed]
    cat_codes = lookup[codes]  # codes == -1 (NA) picks the last slot
    if not optional:
        for pos in np.flatnonzero(codes == -1):
            out.issues.append((int(pos), vocab.parse(col.iat[int(pos)], name)))  # type: ignore[arg-type]
    if unique_issue:
        for pos in np.flatnonzero(np.isin(codes, list(unique_issue))):
            out.issues.append((int(pos), unique_issue[int(codes[pos])]))
    out.columns[name] = pd.Categorical.from_codes(cat_codes, categories=pd.Index(categories))


def parse_overrides(out: ParsedFrame, frame: pd.DataFrame, parser: ProjectParser) -> None:
    cols = {part: _column(frame, f"override_{part}") for part in OVERRIDE_PARTS}
    given = ~np.logical_and.reduce([_blank(c) for c in cols.values()])
    result = {part: np.full(len(frame), None, dtype=object) for part in OVERRIDE_PARTS}
    positions = np.flatnonzero(given)
    # Whole columns to Python once; cell-by-cell indexing of Arrow arrays costs microseconds a cell.
    cells = {part: cols[part].iloc[positions].tolist() for part in OVERRIDE_PARTS}
    for k, pos in enumerate(positions):
        record = {f"override_{part}": cells[part][k] for part in OVERRIDE_PARTS}
        found = Issues()
        override = parser.parse_override(record, found)
        out.issues.extend((int(pos), issue) for issue in found)
        if override is not None:
            for part in OVERRIDE_PARTS:
                result[part][pos] = getattr(override, part)
    for part in OVERRIDE_PARTS:
        out.columns[f"override_{part}"] = result[part]


def parse_frame(frame: pd.DataFrame, parser: ProjectParser) -> ParsedFrame:
    out = ParsedFrame()
    for name in TEXT_LIMITS:
        parse_text_column(out, _column(frame, name), name, required=name == "project_id")
    parse_enum_column(out, _column(frame, "stage"), parser.vocab.stage, "stage", optional=True)
    for name, (minimum, integer) in parser.numeric_fields.items():
        parse_number_column(out, _column(frame, name), name, minimum, integer, parser.maximum(name))
    for name, vocab in parser.vocab.enums.items():
        parse_enum_column(out, _column(frame, name), vocab, name)
    for factor in RISK_FACTORS:
        parse_enum_column(out, _column(frame, f"risk_{factor}"), parser.vocab.risk_value, f"risk_{factor}")
    parse_overrides(out, frame, parser)
    assert set(GRADING_FIELDS) - {"risk"} <= set(out.columns)
    return out
