"""The checks a grading rule file must pass beyond its schema: every input field known and
scored once, bands contiguous and in order from the field's minimum, every enum code scored,
the risk levels well formed, a threshold the score can reach."""

from __future__ import annotations

import math

from gradegate.scoring.grading.model import Band, Criterion, GradingRules, format_number
from gradegate.scoring.rulefile import Loc, Problem, label_clashes
from gradegate.scoring.vocabulary import GRADING_FIELDS, LEVELS, RISK_FACTORS, RISK_VALUES

# Read by the record parser itself: a rule file's own field may not take one of these names.
DESCRIPTIVE_FIELDS = ("project_id", "project_name", "office", "region", "stage", "risk", "level_override")


def grading_problems(rules: GradingRules) -> list[Problem]:
    """Everything wrong with a schema-valid grading rule file, each with where it is."""
    out: list[Problem] = []
    if set(rules.level_labels) != set(LEVELS):
        out.append(Problem(("level_labels",), "levels", f"give a label for exactly {list(LEVELS)}"))
    seen_codes: set[str] = set()
    known = rules.input_fields()
    for name, extra in rules.fields.items():
        if name in GRADING_FIELDS or name in DESCRIPTIVE_FIELDS:
            out.append(Problem(("fields", name), "duplicate_field", f"{name!r} is a field of grading.md already"))
        if extra.values:
            out.extend(label_clashes(extra.values, ("fields", name, "values")))
    seen_fields: set[str] = set()
    for i, c in enumerate(rules.criteria):
        loc: Loc = ("criteria", i)
        if c.code in seen_codes:
            out.append(Problem((*loc, "code"), "duplicate_criterion", f"criterion code {c.code!r} is used twice"))
        seen_codes.add(c.code)
        field = known.get(c.field)
        if field is None:
            out.append(
                Problem(
                    (*loc, "field"),
                    "unknown_field",
                    f"unknown input field {c.field!r}; a criterion can score one of {sorted(known)} "
                    "(declare a new one under `fields`)",
                )
            )
            continue
        if c.field in seen_fields:
            out.append(Problem((*loc, "field"), "duplicate_field", f"field {c.field!r} is scored twice"))
        seen_fields.add(c.field)
        out.extend(_shape_problems(c, loc, field.kind))
        if field.kind in ("number", "integer") and c.bands:
            out.extend(_band_problems(c.bands, loc, field.minimum or 0, field.kind == "integer"))
        elif field.kind == "enum" and c.values is not None:
            out.extend(_enum_problems(c, loc, field.codes))
        elif field.kind == "risk" and c.levels:
            out.extend(_risk_problems(c, loc))
    if rules.threshold > rules.max_score and not out:
        out.append(
            Problem(
                ("threshold",),
                "threshold_unreachable",
                f"threshold {rules.threshold} is above the maximum score {rules.max_score}: "
                "no project could ever be company-level",
            )
        )
    return out


_SECTIONS = {
    "number": {"bands"},
    "integer": {"bands"},
    "enum": {"values"},
    "risk": {"factors", "factor_values", "levels"},
}


def _shape_problems(c: Criterion, loc: Loc, kind: str) -> list[Problem]:
    need = _SECTIONS[kind]
    given = {s for s in ("bands", "values", "factors", "factor_values", "levels") if getattr(c, s) is not None}
    out = [
        Problem(
            (*loc, s), "wrong_section", f"`{s}` does not apply to {kind} field {c.field!r}; it takes {sorted(need)}"
        )
        for s in sorted(given - need)
    ]
    out += [
        Problem(loc, "missing_section", f"criterion {c.code!r} on {kind} field {c.field!r} needs `{s}`")
        for s in sorted(need - given)
    ]
    for s in sorted(need & given):
        if not getattr(c, s):
            out.append(Problem((*loc, s), "empty_section", f"`{s}` is empty"))
    return out


def _band_problems(bands: list[Band], loc: Loc, minimum: float, integer: bool) -> list[Problem]:
    out: list[Problem] = []
    ivs = [b.interval for b in bands]
    for j, iv in enumerate(ivs):
        if iv.hi < iv.lo or (iv.hi == iv.lo and not (iv.lo_closed and iv.hi_closed)):
            out.append(Problem((*loc, "bands", j), "empty_band", f"band {bands[j].shown} contains no value"))
    if out:
        return out
    first = ivs[0]
    if integer:
        starts_at = math.floor(first.lo) + 1 if not first.lo_closed or not first.lo.is_integer() else first.lo
        starts_ok = starts_at == minimum
    else:
        starts_ok = first.lo == minimum and first.lo_closed
    if not starts_ok:
        out.append(
            Problem(
                (*loc, "bands", 0),
                "band_gap",
                f"the first band must start at {format_number(minimum)} (inclusive), the smallest value accepted; "
                f"it is {bands[0].shown}",
            )
        )
    for j in range(1, len(ivs)):
        prev, cur = ivs[j - 1], ivs[j]
        where = (*loc, "bands", j)
        pair = f"{bands[j - 1].shown} and {bands[j].shown}"
        if prev.hi == math.inf:
            out.append(Problem(where, "band_order", f"band {bands[j].shown} follows the open-ended top band"))
            continue
        if integer:
            prev_last = prev.hi if prev.hi_closed else math.ceil(prev.hi) - 1
            cur_first = cur.lo if cur.lo_closed and cur.lo.is_integer() else math.floor(cur.lo) + 1
            gap, overlap = cur_first > prev_last + 1, cur_first <= prev_last
        else:
            touching = prev.hi == cur.lo
            overlap = cur.lo < prev.hi or (touching and prev.hi_closed and cur.lo_closed)
            gap = cur.lo > prev.hi or (touching and not prev.hi_closed and not cur.lo_closed)
        if overlap and cur.lo < prev.lo:
            out.append(Problem(where, "band_order", f"bands {pair} are out of order: list them from low to high"))
        elif overlap:
            out.append(Problem(where, "band_overlap", f"bands {pair} overlap: a value would match both"))
        elif gap:
            out.append(Problem(where, "band_gap", f"bands {pair} leave a gap: values between them match no band"))
    if ivs[-1].hi != math.inf:
        out.append(
            Problem(
                (*loc, "bands", len(ivs) - 1),
                "band_gap",
                f"the last band {bands[-1].shown} has an upper limit: values above it would match no band "
                "(leave `below` out of the top band)",
            )
        )
    return out


def _enum_problems(c: Criterion, loc: Loc, codes: tuple[str, ...]) -> list[Problem]:
    assert c.values is not None
    out = [
        Problem((*loc, "values", v), "unknown_value", f"{v!r} is not a code of {c.field}; the codes are {list(codes)}")
        for v in c.values
        if v not in codes
    ]
    out += [
        Problem(
            (*loc, "values"),
            "unscored_value",
            f"value {v!r} of {c.field} has no points; every code must be scored: {list(codes)}",
        )
        for v in codes
        if v not in c.values
    ]
    out += label_clashes({v: e.label for v, e in c.values.items()}, (*loc, "values"))
    return out


def _risk_problems(c: Criterion, loc: Loc) -> list[Problem]:
    assert c.factors is not None and c.factor_values is not None and c.levels is not None
    out: list[Problem] = []
    if set(c.factors) != set(RISK_FACTORS):
        out.append(Problem((*loc, "factors"), "risk_factors", f"the risk factors are exactly {list(RISK_FACTORS)}"))
    if set(c.factor_values) != set(RISK_VALUES):
        out.append(
            Problem((*loc, "factor_values"), "risk_values", f"the factor values are exactly {list(RISK_VALUES)}")
        )
    out += label_clashes(c.factor_values, (*loc, "factor_values"))
    for j, level in enumerate(c.levels):
        last = j == len(c.levels) - 1
        if last and level.when is not None:
            out.append(
                Problem((*loc, "levels", j), "risk_no_otherwise", "the last risk level must have no `when` (otherwise)")
            )
        if not last and level.when is None:
            out.append(Problem((*loc, "levels", j), "risk_unreachable", "only the last risk level may omit `when`"))
        for value in level.when or {}:
            if value not in RISK_VALUES:
                out.append(
                    Problem(
                        (*loc, "levels", j, "when", value),
                        "unknown_value",
                        f"{value!r} is not a factor value; use one of {list(RISK_VALUES)}",
                    )
                )
    codes = [level.code for level in c.levels]
    for code in {x for x in codes if codes.count(x) > 1}:
        out.append(Problem((*loc, "levels"), "duplicate_level", f"risk level {code!r} is listed twice"))
    return out
