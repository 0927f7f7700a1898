"""Column headers as people write them → field codes: `项目金额(万元)` is `amount_rmb` in 万元.

One function for every table we read (grading, the portfolio, decision tables):
a header may be the field code or its Chinese name, with an optional unit in
brackets (ASCII or full-width). A money unit on an amount column scales the
column (as a power of ten, so 1.2 万元 is exactly 12000); a column that is
neither known nor a documented pass-through is reported once, with the
closest known header.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gradegate.scoring import errors as E
from gradegate.scoring.errors import FieldIssue
from gradegate.scoring.messages import hint, issue, table_error
from gradegate.scoring.values import TRIM, UNITS

_UNIT = re.compile(r"^(?P<name>.*?)\s*[(（]\s*(?P<unit>[^()（）]*?)\s*[)）]$")


@dataclass
class HeaderMap:
    rename: dict[str, str] = field(default_factory=dict)  # column as written → field code
    unit_exponents: dict[str, int] = field(default_factory=dict)  # field code → power of ten of its header's unit
    unknown: list[FieldIssue] = field(default_factory=list)  # one per unknown column, with "did you mean"


def map_headers(
    columns: Iterable[str],
    labels: Mapping[str, str],
    *,
    amounts: Iterable[str] = (),
    passthrough: Iterable[str] = (),
    passthrough_prefixes: Iterable[str] = (),
) -> HeaderMap:
    """How each column of a table maps to a field code of `labels` (code → Chinese header).

    `passthrough` columns (codes or Chinese names) are kept as they are and not reported;
    `passthrough_prefixes` (`flag_`, `deliv_`) likewise. Two columns naming one field are a TableError.
    """
    amounts = set(amounts)
    known: dict[str, str] = {}
    for code, label in labels.items():
        known[code.lower()] = code
        known[label] = code
        bare, _ = _split_unit(label)  # a label may carry its own unit: 报价金额(元) is also 报价金额
        known.setdefault(bare, code)
    through = {name.lower() for name in passthrough}
    prefixes = tuple(passthrough_prefixes)
    out = HeaderMap()
    taken: dict[str, str] = {}
    for column in columns:
        written = str(column).strip(TRIM)
        name, unit = _split_unit(written)
        if written in known:  # the label exactly, its own unit included: nothing to scale
            name, unit = written, None
        found = known.get(name) or known.get(name.lower())
        if found is None:
            if written.lower() in through or name.lower() in through or written.startswith(prefixes):
                continue
            close = difflib.get_close_matches(name, [*labels.values(), *labels], n=1, cutoff=0.5)
            hint_zh, hint_en = hint(close[0] if close else None)
            out.unknown.append(
                issue(written, written, E.UNKNOWN_FIELD, ", ".join(labels.values()), key="header.unknown",
                      hint_zh=hint_zh, hint_en=hint_en)
            )  # fmt: skip
            continue
        code = found
        if code in taken:
            raise table_error("header.twice", first=taken[code], second=written, label=labels[code], code=code)
        taken[code] = written
        out.rename[column] = code
        if unit is not None:
            out.unit_exponents[code] = _unit_exponent(code, unit, written, amounts)
    return out


def _split_unit(header: str) -> tuple[str, str | None]:
    match = _UNIT.match(header)
    return (match["name"], match["unit"]) if match else (header, None)


def _unit_exponent(code: str, unit: str, written: str, amounts: set[str]) -> int:
    if code in amounts and unit in UNITS:
        return UNITS[unit]
    if code in amounts:
        raise table_error("header.unknown_unit", written=written, unit=unit, units="、".join(UNITS))
    raise table_error("header.unit_not_allowed", written=written)
