"""Scalar value parsing shared by every record parser (grading, gates, reviewers).

The batch path (scoring/grading_frame.py) mirrors these rules column by column;
the constants below are what both read, so the two cannot drift apart.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from gradegate.scoring import errors as E
from gradegate.scoring.errors import FieldIssue, InputError
from gradegate.scoring.messages import hint, issue, number_accepted

# Characters trimmed around every value: ASCII whitespace and the ideographic space.
TRIM = " \t\r\n\u3000"
# A number as people type it: plain, or with thousands separators in groups of three.
# ASCII digits only ([0-9], not \d): the vectorized path matches with RE2, which reads \d as ASCII.
NUMBER_PATTERN = r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_NUMBER = re.compile(NUMBER_PATTERN)
# The same after folding (FOLD), split into parts, with a unit after it (people.md): 1200万, 1.2亿, 12000000元.
# `unit` is only accepted on amounts; the named groups are what both paths read.
UNITS: dict[str, int] = {
    "元": 0,
    "万": 4,
    "万元": 4,
    "百万": 6,
    "百万元": 6,
    "千万": 7,
    "千万元": 7,
    "亿": 8,
    "亿元": 8,
}
SPELLED_PATTERN = (
    r"(?P<mantissa>-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)(?:[eE](?P<exponent>[-+]?[0-9]+))?"
    r" *(?P<unit>" + "|".join(sorted(UNITS, key=len, reverse=True)) + ")?"
)
_SPELLED = re.compile(SPELLED_PATTERN)
# Full-width digits and punctuation (an IME slip), the Chinese comma and thin spaces as thousands separators.
FOLD = str.maketrans(
    {**{chr(0xFF10 + d): str(d) for d in range(10)}, "，": ",", "．": ".", "－": "-", "\u2009": ",", "\u202f": ","}
)
# An amount written wholly in Chinese numerals (一千万, 壹佰万元): refused, with the accepted forms shown.
CHINESE_NUMERALS = re.compile(r"[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点]+元?")


def spelled_number(mantissa: str, exponent: int) -> float:
    """mantissa × 10^exponent, correctly rounded (as parsed from text, never as a float product)."""
    base, _, own = mantissa.replace(",", "").partition("e")
    return float(f"{base}e{exponent + int(own or 0)}")


class Issues(list[FieldIssue]):
    """Every problem of one record, collected so that all are reported at once."""

    def take(self, result: Any) -> Any:
        """The parsed value, or None after noting the FieldIssue a parser returned instead."""
        if isinstance(result, FieldIssue):
            self.append(result)
            return None
        return result

    def unknown_fields(self, record: Mapping[str, Any], allowed: Iterable[str], prefix: str = "") -> None:
        """Keys a request may not carry: a typo is an error, never ignored (`prefix`: where a nested object sits)."""
        allowed = tuple(allowed)
        for key in record:
            if key not in allowed:
                name = f"{prefix}{key}"
                hint_zh, hint_en = hint(closest(str(key), allowed))
                self.append(
                    issue(name, record[key], E.UNKNOWN_FIELD, ", ".join(allowed), hint_zh=hint_zh, hint_en=hint_en)
                )


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known word close enough to `word` to be what was meant (a typo), or None."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.75)
    return close[0] if close else None


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a known word is close to `word`; else empty."""
    return hint(closest(word, known))[1]


def require_object(record: Any, what: str = "a request") -> Mapping[str, Any]:
    if not isinstance(record, Mapping):
        raise InputError([issue("", record, E.WRONG_TYPE, "object", key="not_an_object", what=what, what_zh=what)])
    return record


def norm_key(text: str) -> str:
    """How enum input is compared: trimmed, case-insensitive."""
    return text.strip(TRIM).lower()


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    kind = type(value)  # the exact types first: every field of every record comes through here
    if kind is str:
        return not value.strip(TRIM)
    if kind is int:
        return False
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip(TRIM) == ""


def parse_number(
    value: Any,
    field: str,
    *,
    minimum: float,
    maximum: float,
    integer: bool = False,
    unit_exponent: int = 0,
    label: str | None = None,
) -> float | FieldIssue:
    """A number from JSON or a cell; a FieldIssue (returned, not raised) when it is not acceptable.

    Amounts (not `integer`) may carry a unit (万, 亿…); `unit_exponent` is the power of ten of a unit
    given by the column's header (`项目金额(万元)` → 4), for cells that carry none of their own.
    `label`: the Chinese name of a field the shared labels do not know (a roster column).
    """
    kind = type(value)
    if (kind is int or kind is float) and not unit_exponent:  # JSON's numbers: the common case, checked first
        number = float(value)
        if minimum <= number <= maximum and (not integer or number.is_integer()):
            return number
    limits = (minimum, maximum, integer, label)
    if is_blank(value):
        return _number_issue(field, value, E.MISSING, "number.missing", *limits)
    if isinstance(value, bool):
        return _number_issue(field, value, E.WRONG_TYPE, "number.wrong_type", *limits)
    if isinstance(value, str):
        text = value.strip(TRIM)
        if unit_exponent == 0 and _NUMBER.fullmatch(text):
            number = float(text.replace(",", ""))
        else:
            folded = text.translate(FOLD)
            match = _SPELLED.fullmatch(folded)
            if match is None:
                key = "number.chinese_numerals" if CHINESE_NUMERALS.fullmatch(folded) else "number.not_a_number"
                return _number_issue(field, value, E.NOT_A_NUMBER, key, *limits)
            unit = match["unit"]
            if unit is not None and integer:
                return _number_issue(field, value, E.NOT_A_NUMBER, "number.unit_not_allowed", *limits)
            exponent = UNITS[unit] if unit is not None else unit_exponent
            number = spelled_number(match["mantissa"] + "e" + (match["exponent"] or "0"), exponent)
    elif isinstance(value, int | float):
        number = float(value) * 10**unit_exponent if unit_exponent else float(value)
    else:
        kind_name = type(value).__name__  # a list or an object: its type says more than its text
        return _number_issue(
            field, value, E.WRONG_TYPE, "number.wrong_type", *limits, shown=kind_name, shown_en=kind_name
        )
    return check_number(number, value, field, minimum=minimum, maximum=maximum, integer=integer, label=label)


def check_number(
    number: float, given: Any, field: str, *, minimum: float, maximum: float, integer: bool, label: str | None = None
) -> float | FieldIssue:
    if minimum <= number <= maximum and (not integer or number.is_integer()):
        return number
    limits = (minimum, maximum, integer, label)
    if math.isnan(number):
        return _number_issue(field, given, E.MISSING, "number.missing", *limits)
    if not math.isfinite(number) or number > maximum:
        return _number_issue(field, given, E.OUT_OF_RANGE, "number.too_large", *limits)
    if number < minimum:
        return _number_issue(field, given, E.OUT_OF_RANGE, "number.below", *limits)
    return _number_issue(field, given, E.NOT_AN_INTEGER, "number.not_an_integer", *limits)


def _number_issue(
    field: str,
    value: Any,
    reason: str,
    key: str,
    minimum: float,
    maximum: float,
    integer: bool,
    label: str | None,
    **extra: Any,
) -> FieldIssue:
    """The issue, its accepted forms built only now: a good number never pays for the words."""
    accepted, accepted_zh = number_accepted(minimum, integer)
    noun = "整数" if integer else "金额"
    context = {"accepted_zh": accepted_zh, "noun": noun, "minimum": minimum, "maximum": maximum, **extra}
    if label is not None:
        context["label"] = label
    return issue(field, value, reason, accepted, key=key, **context)


class EnumVocabulary:
    """The codes of one enum field and every spelling accepted for them (code or Chinese label)."""

    def __init__(self, field: str, labels: Mapping[str, str]):
        self.field = field
        self.labels = dict(labels)
        self._lookup: dict[str, str] = {}
        for code, label in labels.items():
            self._lookup[norm_key(code)] = code
            self._lookup[norm_key(label)] = code
        # Spellings that need no normalizing (codes and labels as written), looked up first.
        self._exact = {**{code: code for code in labels}, **{label: code for code, label in labels.items()}}
        self._exact.update(self._lookup)

    @property
    def accepted(self) -> str:
        return ", ".join(f"{code} ({label})" for code, label in self.labels.items())

    def parse(self, value: Any, field: str | None = None, label: str | None = None) -> str | FieldIssue:
        """The code `value` spells; `label`: the Chinese name of a field the shared labels do not know."""
        if type(value) is str:
            code = self._exact.get(value)
            if code is not None:
                return code
        field = field or self.field
        named = {"label": label} if label is not None else {}
        if is_blank(value):
            return issue(field, value, E.MISSING, self.accepted, key="enum.missing", **named)
        if not isinstance(value, str):
            return issue(field, value, E.WRONG_TYPE, self.accepted, key="enum.wrong_type", **named)
        code = self._lookup.get(norm_key(value))
        if code is None:
            return issue(field, value, E.UNKNOWN_VALUE, self.accepted, key="enum.unknown_value", **named)
        return code


def parse_codes(vocab: EnumVocabulary, values: Iterable[Any], field: str, issues: list[FieldIssue]) -> frozenset[str]:
    """Each element of a list as a code of `vocab`; bad ones noted as `field[i]`."""
    out = set()
    for i, value in enumerate(values):
        code = vocab.parse(value, f"{field}[{i}]")
        if isinstance(code, FieldIssue):
            issues.append(code)
        else:
            out.add(code)
    return frozenset(out)


def parse_text(
    value: Any, field: str, *, required: bool, max_length: int | None = None, label: str | None = None
) -> str | FieldIssue | None:
    """Trimmed text; `label`: the Chinese name of a field the shared labels do not know (a roster column)."""
    if type(value) is str:
        text = value.strip(TRIM)
        if text and (max_length is None or len(text) <= max_length):
            return text
    named = {"label": label} if label is not None else {}
    if is_blank(value):
        if required:
            return issue(field, value, E.MISSING, "non-empty text", key="text.missing", **named)
        return None
    if not isinstance(value, str):
        return issue(field, value, E.WRONG_TYPE, "text", key="text.wrong_type", **named)
    text = value.strip(TRIM)
    if max_length is not None and len(text) > max_length:
        return issue(
            field, value, E.TOO_LONG, f"1–{max_length} characters", key="text.too_long", length=len(text),
            max_length=max_length, **named,
        )  # fmt: skip
    return text
