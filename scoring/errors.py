"""The errors of gradegate, in two families that never mix.

    GradegateError
     ├── RuleDefinitionError   a rule file is wrong: the analyst must fix the file
     │     .issues: [RuleIssue(file, line, where, reason, message)]
     ├── InputError            a record is wrong: the caller must fix the data
     │     .issues: [FieldIssue(field, value, reason, message, accepted)]
     ├── TableError            a whole file handed to us cannot be read (format, encoding, header)
     ├── OutputError           a file we write could not be written (disk, permissions, a failed writer)
     ├── EngineError           the rules and the engine disagree: a bug, never the caller's fault
     └── ServiceError          the HTTP service's own errors (gradegate.service.errors)

Reason codes are stable, machine-facing strings (tests, API clients and the
errors file rely on them); messages are for people and may be reworded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

# Input reason codes.
MISSING = "missing"
UNKNOWN_VALUE = "unknown_value"
NOT_A_NUMBER = "not_a_number"
NOT_AN_INTEGER = "not_an_integer"
OUT_OF_RANGE = "out_of_range"
WRONG_TYPE = "wrong_type"
TOO_LONG = "too_long"
DUPLICATE = "duplicate"
INCOMPLETE_OVERRIDE = "incomplete_override"
UNKNOWN_FIELD = "unknown_field"
MALFORMED = "malformed"


class GradegateError(Exception):
    """Base of every error gradegate raises on purpose."""


@dataclass(frozen=True)
class RuleIssue:
    file: str
    line: int | None
    where: str
    reason: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.where}: {self.message}" if self.where else f"{place}: {self.message}"


class RuleDefinitionError(GradegateError):
    """A rule file failed validation; nothing of it is used."""

    def __init__(self, issues: Sequence[RuleIssue]):
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


@dataclass(frozen=True)
class FieldIssue:
    """One bad field. `message` is Chinese (people read it), `message_en` the same in English (Accept-Language: en);
    both come from the catalogue in scoring/messages.py."""

    field: str
    value: Any
    reason: str
    message: str
    accepted: str | None = None
    message_en: str | None = dataclass_field(default=None, compare=False)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"field": self.field, "value": self.value, "reason": self.reason,
                "message": self.in_language(lang), "accepted": self.accepted}  # fmt: skip

    def in_language(self, lang: str) -> str:
        return self.message_en if lang == "en" and self.message_en else self.message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InputError(GradegateError):
    """One record (a project, a gate request, a review request) is invalid."""

    def __init__(self, issues: Sequence[FieldIssue]):
        self.issues = list(issues)
        super().__init__("; ".join(str(i) for i in self.issues))


class TableError(GradegateError):
    """A file handed to us cannot be read as a table: unknown type, not UTF-8, no header, duplicate columns.

    Its text is Chinese (the CLI prints it); `message_en` is the same in English, for the service
    (POST /v1/reports answers an unreadable upload with it on Accept-Language: en). Both come from the
    catalogue (scoring.messages.table_error)."""

    def __init__(self, message: str, message_en: str | None = None):
        super().__init__(message)
        self.message = message
        self.message_en = message_en or message


class OutputError(GradegateError):
    """A file we write could not be written; the previous file, if any, is left intact."""


class EngineError(GradegateError):
    """An invariant between a rule set and the engine broke (no rule fired, a closed rule set was used,
    a fact the parsers should have refused). Logged and answered as an internal error."""


def show_value(value: Any) -> str:
    """The value as a person typed it, for messages: quoted strings, short."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."
