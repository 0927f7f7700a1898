"""The portfolio file's columns beyond grading: gate flags, passed gates and
deliverable statuses, validated column by column (see the README, section reports).

    flag_<flag>      true/false, 1/0, 是/否, yes/no (blank = false)
    passed_gates     gate codes or labels separated by `;` (blank = none)
    deliv_<code>     missing/draft/submitted/approved or 缺失/草稿/已提交/已批准 (blank = missing)
    product_lines    `;`-separated names, shown as given (optional)

A column the gate rules do not know (`flag_x`, `deliv_x`) is a warning and is
ignored; a bad value is an error row, and the row is left out of the report.
Values are validated once per distinct spelling, so 100k rows cost little.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from gradegate.scoring import STATUSES, TRIM, EnumVocabulary, FieldIssue, GateRuleSet, hint, issue, norm_key, render
from gradegate.scoring import errors as E
from gradegate.scoring.values import closest

FLAG_PREFIX, DELIV_PREFIX, PASSED = "flag_", "deliv_", "passed_gates"
ERROR_COLUMNS = ["row", "line", "project_id", "field", "value", "reason", "message"]
# The portfolio's own columns besides grading's (people.md): Chinese headers beside the codes.
EXTRA_HEADERS = {PASSED: "已通过关口", "product_lines": "产品线"}
TRUE = {"true", "1", "是", "yes", "y", "t"}
FALSE = {"false", "0", "否", "no", "n", "f"}
FLAG_ACCEPTED = "true/false, 1/0, 是/否, yes/no; blank = false"
GATE_SEPARATORS = re.compile(r"[;；,，\s]+")


@dataclass
class PortfolioExtras:
    """Per input row (same index as the input frame): parsed gate inputs, and what was wrong."""

    flags: pd.DataFrame  # bool column per flag of the gate rules
    passed: pd.Series  # tuple of gate codes
    deliverables: pd.DataFrame  # status code (or NA = missing) per known deliverable given as a column
    errors: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def portfolio_headers(gates: GateRuleSet) -> dict[str, str]:
    """The portfolio's columns beyond grading, code → Chinese header: flags and deliverables by their labels."""
    rules = gates.rules
    return {
        **EXTRA_HEADERS,
        **{FLAG_PREFIX + code: label for code, label in rules.flags.items()},
        **{DELIV_PREFIX + code: label for code, label in rules.deliverables.items()},
    }


def parse_extras(frame: pd.DataFrame, gates: GateRuleSet) -> PortfolioExtras:
    rules = gates.rules
    ids = frame["project_id"] if "project_id" in frame else pd.Series(pd.NA, index=frame.index)
    issues: list[tuple[int, FieldIssue]] = []
    warnings: list[str] = []

    flags = pd.DataFrame(False, index=frame.index, columns=list(rules.flags))
    for col in (c for c in frame.columns if c.startswith(FLAG_PREFIX)):
        name = col.removeprefix(FLAG_PREFIX)
        if name not in rules.flags:
            hint_zh, hint_en = _column_hint(name, FLAG_PREFIX, rules.flags)
            warnings.append(
                render("portfolio.unknown_flag", "zh", column=col, name=name, flags=", ".join(rules.flags),
                       hint_zh=hint_zh, hint_en=hint_en)
            )  # fmt: skip
            continue
        parsed = _by_spelling(frame[col], partial(_flag, column=col), issues)
        flags[name] = parsed.map(lambda v: v is True)

    passed = pd.Series([()] * len(frame), index=frame.index, dtype=object)
    if PASSED in frame:
        vocab = EnumVocabulary("gate", {g.code: g.label for g in rules.gates})
        passed = _by_spelling(frame[PASSED], lambda v: _gates(v, vocab), issues).map(lambda v: () if v is None else v)

    status = EnumVocabulary("status", STATUSES)
    known: dict[str, pd.Series] = {}
    for col in (c for c in frame.columns if c.startswith(DELIV_PREFIX)):
        code = col.removeprefix(DELIV_PREFIX)
        if code not in rules.deliverables:
            hint_zh, hint_en = _column_hint(code, DELIV_PREFIX, rules.deliverables)
            warnings.append(
                render("portfolio.unknown_deliverable", "zh", column=col, name=code, hint_zh=hint_zh, hint_en=hint_en)
            )
            continue
        known[code] = _by_spelling(frame[col], partial(status.parse, field=col), issues)
    deliverables = pd.DataFrame(known, index=frame.index)

    errors = pd.DataFrame(
        [
            {
                "row": int(pos) + 1,
                "line": int(pos) + 2,  # as a spreadsheet shows it: the header is line 1
                "project_id": None if pd.isna(ids.iloc[pos]) else ids.iloc[pos],
                "field": i.field,
                "value": None if i.value is None else str(i.value),
                "reason": i.reason,
                "message": i.message,
            }
            for pos, i in sorted(issues, key=lambda item: item[0])
        ],
        columns=ERROR_COLUMNS,
    )
    return PortfolioExtras(flags, passed, deliverables, errors, warnings)


def _column_hint(name: str, prefix: str, known: Mapping[str, str]) -> tuple[str, str]:
    """The column meant by a typo (`deliv_planing_report` → deliv_planning_report, with its label)."""
    meant = closest(name, known)
    return hint(prefix + meant, known[meant]) if meant else hint(None)


def _by_spelling(column: pd.Series, parse: Callable[[str], object], issues: list[tuple[int, FieldIssue]]) -> pd.Series:
    """Parse each distinct non-blank spelling once; blanks give None; issues are recorded per row position."""
    # Blank as everywhere else (scoring.values.TRIM): a stray U+00A0 is a value, and an error.
    present = column.notna() & (column.astype("string").str.strip(TRIM) != "")
    parsed: dict[str, object] = {}
    for value in column[present].unique():
        parsed[value] = parse(value)
    out = pd.Series([None] * len(column), index=column.index, dtype=object)
    values = column[present].map(parsed)
    bad = values.map(lambda v: isinstance(v, FieldIssue))
    out[present] = values.where(~bad, None)
    positions = {label: pos for pos, label in enumerate(column.index)} if bad.any() else {}
    issues.extend((positions[label], issue) for label, issue in values[bad].items())
    return out


def _flag(value: str, column: str) -> bool | FieldIssue:
    key = norm_key(value)
    if key in TRUE or key in FALSE:
        return key in TRUE
    return issue(column, value, E.UNKNOWN_VALUE, FLAG_ACCEPTED, key="flag.unknown_value")


def _gates(value: str, vocab: EnumVocabulary) -> tuple[str, ...] | FieldIssue:
    codes = []
    for part in (p for p in GATE_SEPARATORS.split(value.strip()) if p):
        code = vocab.parse(part, PASSED)
        if isinstance(code, FieldIssue):
            return issue(
                PASSED, value, E.UNKNOWN_VALUE, vocab.accepted, key="gates.unknown_value", part=part,
                gates=", ".join(vocab.labels),
            )  # fmt: skip
        codes.append(code)
    return tuple(codes)
