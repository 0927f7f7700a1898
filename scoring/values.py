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

# Characters trimmed around every value: ASCII whitespace and the ideographic space.
TRIM = " \t\r\n\u3000"
# A number as people type it: plain, or with thousands separators in groups of three.
# ASCII digits only ([0-9], not \d): the vectorized path matches with RE2, which reads \d as ASCII.
NUMBER_PATTERN = r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_NUMBER = re.compile(NUMBER_PATTERN)


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
                message = f"unknown field {name!r}{did_you_mean(str(key), allowed)}"
                self.append(FieldIssue(name, record[key], E.UNKNOWN_FIELD, message, ", ".join(allowed)))


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a known word is close to `word`; else empty."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def require_object(record: Any, what: str = "a request") -> Mapping[str, Any]:
    if not isinstance(record, Mapping):
        raise InputError([FieldIssue("", record, E.WRONG_TYPE, f"{what} must be a JSON object", "object")])
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


def number_accepted(minimum: float, integer: bool) -> str:
    kind = "a whole number" if integer else "a number"
    example = "3" if integer else '12000000 or "12,000,000"'
    return f"{kind} ≥ {minimum:g}, such as {example}"


def parse_number(
    value: Any, field: str, *, minimum: float, maximum: float, integer: bool = False
) -> float | FieldIssue:
    """A number from JSON or a cell; a FieldIssue (returned, not raised) when it is not acceptable."""
    kind = type(value)
    if kind is int or kind is float:  # JSON's numbers: the common case, checked without the general path
        number = float(value)
        if minimum <= number <= maximum and (not integer or number.is_integer()):
            return number
    accepted = number_accepted(minimum, integer)
    if is_blank(value):
        return FieldIssue(field, value, E.MISSING, f"{field} is required: give {accepted}", accepted)
    if isinstance(value, bool):
        return FieldIssue(field, value, E.WRONG_TYPE, f"{field}: {value} is not a number; give {accepted}", accepted)
    if isinstance(value, str):
        text = value.strip(TRIM)
        if not _NUMBER.fullmatch(text):
            return FieldIssue(
                field,
                value,
                E.NOT_A_NUMBER,
                f"{field}: {E.show_value(value)} is not a number; give {accepted}",
                accepted,
            )
        number = float(text.replace(",", ""))
    elif isinstance(value, int | float):
        number = float(value)
    else:
        return FieldIssue(
            field, value, E.WRONG_TYPE, f"{field}: a {type(value).__name__} is not a number; give {accepted}", accepted
        )
    return check_number(number, value, field, minimum=minimum, maximum=maximum, integer=integer)


def check_number(
    number: float, given: Any, field: str, *, minimum: float, maximum: float, integer: bool
) -> float | FieldIssue:
    if minimum <= number <= maximum and (not integer or number.is_integer()):
        return number
    accepted = number_accepted(minimum, integer)
    if math.isnan(number):
        return FieldIssue(field, given, E.MISSING, f"{field} is required: give {accepted}", accepted)
    if not math.isfinite(number) or number > maximum:
        return FieldIssue(
            field, given, E.OUT_OF_RANGE, f"{field}: {E.show_value(given)} is too large (at most {maximum:g})", accepted
        )
    if number < minimum:
        return FieldIssue(
            field,
            given,
            E.OUT_OF_RANGE,
            f"{field}: {E.show_value(given)} is below {minimum:g}; give {accepted}",
            accepted,
        )
    if integer and not number.is_integer():
        return FieldIssue(
            field,
            given,
            E.NOT_AN_INTEGER,
            f"{field}: {E.show_value(given)} is not a whole number; give {accepted}",
            accepted,
        )
    return number


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

    def parse(self, value: Any, field: str | None = None) -> str | FieldIssue:
        if type(value) is str:
            code = self._exact.get(value)
            if code is not None:
                return code
        field = field or self.field
        if is_blank(value):
            return FieldIssue(field, value, E.MISSING, f"{field} is required: one of {self.accepted}", self.accepted)
        if not isinstance(value, str):
            return FieldIssue(
                field,
                value,
                E.WRONG_TYPE,
                f"{field}: {E.show_value(value)} is not text; give one of {self.accepted}",
                self.accepted,
            )
        code = self._lookup.get(norm_key(value))
        if code is None:
            return FieldIssue(
                field,
                value,
                E.UNKNOWN_VALUE,
                f"{field}: {E.show_value(value)} is not accepted; give one of {self.accepted}",
                self.accepted,
            )
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


def parse_text(value: Any, field: str, *, required: bool, max_length: int | None = None) -> str | FieldIssue | None:
    if type(value) is str:
        text = value.strip(TRIM)
        if text and (max_length is None or len(text) <= max_length):
            return text
    if is_blank(value):
        if required:
            return FieldIssue(field, value, E.MISSING, f"{field} is required", "non-empty text")
        return None
    if not isinstance(value, str):
        return FieldIssue(field, value, E.WRONG_TYPE, f"{field}: {E.show_value(value)} is not text", "text")
    text = value.strip(TRIM)
    if max_length is not None and len(text) > max_length:
        return FieldIssue(
            field,
            value,
            E.TOO_LONG,
            f"{field} is {len(text)} characters long; at most {max_length}",
            f"1–{max_length} characters",
        )
    return text
