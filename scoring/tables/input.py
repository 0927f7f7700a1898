"""One record → the validated values of a table's inputs, or every problem with it at once.

The spellings are tables.md's: booleans as JSON true/false or true/false, yes/no,
1/0, 是/否 in any case; numbers as JSON numbers or text with thousands
separators; a blank value is an absent one. An unknown field is an error (a
typo must not be silently ignored), with the nearest input as a suggestion.
The batch path (frame.py) accepts exactly what this module accepts and asks
it for the message of every cell it refuses, so messages cannot drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gradegate.scoring import errors as E
from gradegate.scoring.errors import FieldIssue, InputError
from gradegate.scoring.messages import hint, issue
from gradegate.scoring.tables.model import Input, TableRules
from gradegate.scoring.values import EnumVocabulary, Issues, closest, is_blank, norm_key, parse_number, parse_text

Value = float | bool | str | None
BOOLEAN_SPELLINGS: dict[str, bool] = {
    **dict.fromkeys(("true", "yes", "1", "是"), True),
    **dict.fromkeys(("false", "no", "0", "否"), False),
}
BOOLEAN_ACCEPTED = "true/false, yes/no, 1/0, 是/否"


def parse_boolean(value: Any, field: str, required: bool, label: str) -> bool | FieldIssue | None:
    """`label`: the table's Chinese label of the input, which its messages name."""
    if is_blank(value):
        if required:
            return issue(field, value, E.MISSING, BOOLEAN_ACCEPTED, key="table.bool.missing", label=label)
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        parsed = BOOLEAN_SPELLINGS.get(norm_key(value))
        if parsed is not None:
            return parsed
    return issue(field, value, E.WRONG_TYPE, BOOLEAN_ACCEPTED, key="table.bool", label=label)


class InputParser:
    """Parses records for one table; built once per table."""

    def __init__(self, rules: TableRules):
        self.rules = rules
        self.inputs = rules.inputs
        self.vocab = {
            name: EnumVocabulary(name, spec.values) for name, spec in rules.inputs.items() if spec.values is not None
        }

    def accepted(self, name: str) -> str:
        """What an input accepts, as the form and the listing show it."""
        spec = self.inputs[name]
        if spec.type == "number":
            low = f"≥ {spec.min:g}" if spec.min is not None else ""
            high = f"≤ {spec.max:g}" if spec.max is not None else ""
            kind = "a whole number" if spec.integer else "a number"
            return " ".join(p for p in (kind, low, high) if p)
        if spec.type == "boolean":
            return BOOLEAN_ACCEPTED
        if spec.type == "enum":
            return self.vocab[name].accepted
        return f"text of at most {spec.max_length} characters" if spec.max_length else "text"

    def parse_value(self, name: str, value: Any) -> Value | FieldIssue:
        """One input's value: parsed, or its default when blank and optional; a FieldIssue when refused."""
        spec = self.inputs[name]
        if is_blank(value) and not spec.required:
            return spec.default
        return self._parse(spec, name, value)

    def _parse(self, spec: Input, name: str, value: Any) -> Value | FieldIssue:
        label = spec.label
        if spec.type == "number":
            return parse_number(
                value, name, minimum=spec.lowest, maximum=spec.highest, integer=spec.integer, label=label
            )
        if spec.type == "boolean":
            return parse_boolean(value, name, spec.required, label)
        if spec.type == "enum":
            return self.vocab[name].parse(value, name, label)
        return parse_text(value, name, required=spec.required, max_length=spec.max_length, label=label)

    def unknown(self, key: str, value: Any) -> FieldIssue:
        """A field the table has no input for: named, with the close input (a typo) and every input with its label."""
        accepted = ", ".join(self.inputs)
        inputs_zh = "、".join(f"{name}（{spec.label}）" for name, spec in self.inputs.items())
        meant = closest(str(key), self.inputs)
        hint_zh, hint_en = hint(meant, self.inputs[meant].label if meant else None)
        words = {"inputs_zh": inputs_zh, "hint_zh": hint_zh, "hint_en": hint_en}
        return issue(str(key), value, E.UNKNOWN_FIELD, accepted, key="table.unknown_field", **words)

    def parse(self, record: Mapping[str, Any]) -> dict[str, Value]:
        """The inputs' values by name (None = blank); InputError naming every bad field."""
        issues = Issues()
        for key in record:
            if key not in self.inputs:
                issues.append(self.unknown(key, record[key]))
        values: dict[str, Value] = {}
        for name in self.inputs:
            value = self.parse_value(name, record.get(name))
            if isinstance(value, FieldIssue):
                issues.append(value)
                value = None
            values[name] = value
        if issues:
            raise InputError(issues)
        return values
