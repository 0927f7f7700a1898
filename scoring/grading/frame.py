"""Batch grading, vectorized: a table of projects → graded table + errors table.

Scores with numpy over whole columns, from the same rule file as the
durable_rules path (scoring/grading_engine.py); the parity tests prove both
give the same points, levels and risk levels on every input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gradegate.scoring import errors as E
from gradegate.scoring.errors import EngineError, FieldIssue, InputError
from gradegate.scoring.grading.input import OVERRIDE_PARTS, Project
from gradegate.scoring.grading.model import Band, Criterion, GradingRules
from gradegate.scoring.grading.parse_frame import ParsedFrame, parse_frame
from gradegate.scoring.grading.ruleset import GradingRuleSet
from gradegate.scoring.vocabulary import RISK_FACTORS, RISK_VALUES

ERROR_COLUMNS = ["row", "project_id", "field", "value", "reason", "message"]
PASSTHROUGH = ["project_id", "project_name", "office", "region", "stage"]


@dataclass
class BatchGrades:
    graded: pd.DataFrame
    errors: pd.DataFrame
    read: int

    @property
    def graded_count(self) -> int:
        return len(self.graded)

    @property
    def rejected_count(self) -> int:
        return int(self.errors["row"].nunique()) if len(self.errors) else 0


def band_mask(x: np.ndarray, band: Band) -> np.ndarray:
    """Mirrors scoring.grading_engine.band_condition, limit by limit."""
    iv = band.interval
    mask = x >= iv.lo if iv.lo_closed else x > iv.lo
    if band.equals is not None:
        mask &= x <= iv.hi
    elif band.below is not None:
        mask &= x < iv.hi
    return mask


def _first_match(masks: list[np.ndarray], n: int) -> np.ndarray:
    return np.select(masks, np.arange(len(masks)), default=-1) if masks else np.full(n, -1)


def score_columns(cols: Mapping[str, Any], rules: GradingRules, n: int) -> dict[str, Any]:
    """Points per criterion, totals and levels for n valid rows of normalized columns."""
    out: dict[str, Any] = {}
    risk_level = np.full(n, "", dtype=object)
    for c in rules.criteria:
        idx = _criterion_index(c, cols, n)
        if (idx < 0).any():
            raise EngineError(f"criterion {c.code}: {int((idx < 0).sum())} rows matched no band (engine drift)")
        points = np.array(_points_table(c), dtype=np.int64)[idx]
        out[f"points_{c.code}"] = points
        if c.levels:
            risk_level = np.array([level.code for level in c.levels], dtype=object)[idx]
    total = np.sum([out[f"points_{c.code}"] for c in rules.criteria], axis=0, dtype=np.int64)
    computed = np.where(total >= rules.threshold, "company", "office").astype(object)
    override = np.asarray(cols["override_level"], dtype=object)
    level = np.where(pd.isna(override), computed, override).astype(object)
    out.update(total_score=total, level=level, computed_level=computed, risk_level=risk_level)
    out["margin"] = total - rules.threshold
    return out


def _points_table(c: Criterion) -> list[int]:
    if c.bands:
        return [b.points for b in c.bands]
    if c.values:
        return [v.points for v in c.values.values()]
    assert c.levels is not None
    return [level.points for level in c.levels]


def _criterion_index(c: Criterion, cols: Mapping[str, Any], n: int) -> np.ndarray:
    if c.bands:
        x = np.asarray(cols[c.field], dtype="float64")
        return _first_match([band_mask(x, b) for b in c.bands], n)
    if c.values:
        cat = cols[c.field]
        order = {code: i for i, code in enumerate(c.values)}
        remap = np.array([order.get(code, -1) for code in cat.categories] + [-1], dtype=np.int64)
        picked: np.ndarray = remap[np.asarray(cat.codes)]
        return picked
    assert c.levels is not None
    counts = {
        v: np.sum([np.asarray(cols[f"risk_{f}"] == v) for f in RISK_FACTORS], axis=0, dtype=np.int64)
        for v in RISK_VALUES
    }
    masks = []
    for level in c.levels:
        mask = np.ones(n, dtype=bool)
        for value, cond in (level.when or {}).items():
            lo, hi = cond.bounds
            mask &= (counts[value] >= lo) & (counts[value] <= hi)
        masks.append(mask)
    return _first_match(masks, n)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _errors_frame(issues: list[tuple[int, FieldIssue]], ids: np.ndarray, first_row: int) -> pd.DataFrame:
    rows = [
        {
            "row": pos + first_row,
            "project_id": ids[pos],
            "field": issue.field,
            "value": None if _missing(issue.value) else str(issue.value),
            "reason": issue.reason,
            "message": issue.message,
        }
        for pos, issue in sorted(issues, key=lambda item: item[0])
    ]
    return pd.DataFrame(rows, columns=ERROR_COLUMNS)


def _flag_duplicates(parsed: ParsedFrame, ids: np.ndarray, first_row: int, seen: dict[str, int]) -> None:
    """Later rows with an id seen before (in this chunk or an earlier one) are rejected, naming the first row."""
    series = pd.Series(ids, dtype=object)
    known = series.notna().to_numpy()
    dup_in_chunk = series.duplicated(keep="first").to_numpy()
    # A dict lookup per id: Series.isin would rebuild a hash table of every id seen so far, per chunk.
    dup_before = np.zeros(len(ids), dtype=bool)
    if seen:
        dup_before = np.fromiter((pid in seen for pid in ids), dtype=bool, count=len(ids))
    later = known & (dup_in_chunk | dup_before)
    fresh = known & ~later
    seen.update(zip(ids[fresh], np.flatnonzero(fresh) + first_row, strict=True))
    for pos in np.flatnonzero(later):
        pid = ids[pos]
        parsed.issues.append(
            (
                int(pos),
                FieldIssue(
                    "project_id",
                    pid,
                    E.DUPLICATE,
                    f"project_id {pid!r} already appears in row {seen[pid]}; each project is graded once",
                    "an id not used by another row",
                ),
            )
        )


def assemble(
    parsed: ParsedFrame, n: int, ruleset: GradingRuleSet, first_row: int = 1, seen: dict[str, int] | None = None
) -> BatchGrades:
    ids = np.asarray(parsed.columns["project_id"], dtype=object)  # NaN where rejected
    ids = np.where(pd.isna(ids), np.array(None, dtype=object), ids)
    _flag_duplicates(parsed, ids, first_row, {} if seen is None else seen)
    bad = np.zeros(n, dtype=bool)
    if parsed.issues:
        bad[[pos for pos, _ in parsed.issues]] = True
    keep = np.flatnonzero(~bad)
    cols: dict[str, Any] = {}
    for name, values in parsed.columns.items():
        if isinstance(values, pd.Series):
            cols[name] = values.take(keep).reset_index(drop=True)
        elif isinstance(values, pd.Categorical):
            cols[name] = values.take(keep)
        else:
            cols[name] = values[keep]
    scores = score_columns(cols, ruleset.rules, len(keep))
    labels = ruleset.rules.level_labels
    graded = pd.DataFrame({"row": keep + first_row})
    for name in PASSTHROUGH:
        graded[name] = cols[name]
    graded["stage"] = pd.Series(cols["stage"], dtype="str")
    graded["amount_rmb"] = cols["amount_rmb"]
    for key, values in scores.items():
        graded[key] = values
    for part in OVERRIDE_PARTS:
        graded[f"override_{part}"] = cols[f"override_{part}"]
    graded["level_label"] = pd.Series(scores["level"], dtype=object).map(labels).to_numpy()
    graded["computed_level_label"] = pd.Series(scores["computed_level"], dtype=object).map(labels).to_numpy()
    graded["ruleset_name"] = ruleset.identity.name
    graded["ruleset_version"] = ruleset.identity.version
    graded["ruleset_hash"] = ruleset.identity.hash
    return BatchGrades(graded=graded, errors=_errors_frame(parsed.issues, ids, first_row), read=n)


def grade_frame(
    frame: pd.DataFrame, ruleset: GradingRuleSet, *, first_row: int = 1, seen: dict[str, int] | None = None
) -> BatchGrades:
    """Grade every row of a table (text cells, as read by scoring.tables.read_table).

    For a file read in chunks, `first_row` numbers the chunk's rows and `seen`
    (project_id → row) carries duplicate detection from one chunk to the next.
    """
    parsed = parse_frame(frame.reset_index(drop=True), ruleset.parser)
    return assemble(parsed, len(frame), ruleset, first_row, seen)


def grade_records(records: Iterable[Mapping[str, Any]], ruleset: GradingRuleSet) -> BatchGrades:
    """Grade JSON records (nested or flat) with the single-record parser, scored in one vectorized pass."""
    projects: list[Project | None] = []
    parsed = ParsedFrame()
    for pos, record in enumerate(records):
        try:
            projects.append(ruleset.parser.parse(record))
        except InputError as exc:
            projects.append(None)
            parsed.issues.extend((pos, issue) for issue in exc.issues)
    n = len(projects)
    parsed.columns = _project_columns(projects, ruleset, n)
    return assemble(parsed, n, ruleset)


def _project_columns(projects: list[Project | None], ruleset: GradingRuleSet, n: int) -> dict[str, Any]:
    vocab = ruleset.parser.vocab

    def attr(p: Project | None, name: str) -> Any:
        return None if p is None else getattr(p, name)

    cols: dict[str, Any] = {
        name: np.array([attr(p, name) for p in projects], dtype=object) for name in PASSTHROUGH if name != "stage"
    }
    cols["stage"] = pd.Categorical([attr(p, "stage") for p in projects], categories=list(vocab.stage.labels))
    for name, field in ruleset.rules.input_fields().items():
        if field.kind in ("number", "integer"):
            cols[name] = np.array([np.nan if p is None else p.value(name) for p in projects], dtype="float64")
        elif field.kind == "enum":
            values = [None if p is None else p.value(name) for p in projects]
            cols[name] = pd.Categorical(values, categories=list(vocab.enums[name].labels))
    for f in RISK_FACTORS:
        cols[f"risk_{f}"] = pd.Categorical(
            [None if p is None else p.risk[f] for p in projects], categories=list(vocab.risk_value.labels)
        )
    for part in OVERRIDE_PARTS:
        cols[f"override_{part}"] = np.array(
            [None if p is None or p.level_override is None else getattr(p.level_override, part) for p in projects],
            dtype=object,
        )
    return cols
