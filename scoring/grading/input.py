"""One grading record → a validated `Project`, or every problem with it at once.

Records come as JSON objects (risk and override nested) or as flat rows of a
CSV/Excel file (`risk_scope`…, `override_level`…); both shapes are accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from gradegate.scoring import errors as E
from gradegate.scoring.errors import FieldIssue, InputError
from gradegate.scoring.grading.model import GradingRules
from gradegate.scoring.values import EnumVocabulary, Issues, is_blank, parse_number, parse_text
from gradegate.scoring.vocabulary import (
    GRADING_FIELDS,
    ID_MAX_LENGTH,
    MAX_AMOUNT,
    NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    RISK_FACTORS,
    STAGES,
)

# The text fields of a grading record and their length limits (None: any length).
TEXT_LIMITS: dict[str, int | None] = {
    "project_id": ID_MAX_LENGTH,
    "project_name": None,
    "office": NAME_MAX_LENGTH,
    "region": NAME_MAX_LENGTH,
}
OVERRIDE_PARTS = ("level", "approved_by", "reason")
# Descriptive fields: carried through to the result and the graded table, never scored.
PASS_THROUGH = ("project_name", "office", "region", "stage")
# Every key a grading record may carry, nested (JSON) or flat (a table row): anything else is a typo.
RECORD_FIELDS = (
    "project_id",
    *PASS_THROUGH,
    *(name for name in GRADING_FIELDS if name != "risk"),
    "risk",
    *(f"risk_{factor}" for factor in RISK_FACTORS),
    "level_override",
    *(f"override_{part}" for part in OVERRIDE_PARTS),
)


@dataclass(frozen=True)
class Override:
    level: str
    approved_by: str
    reason: str


@dataclass(frozen=True)
class Project:
    project_id: str
    amount_rmb: float
    strategic_status: str
    network_position: str
    tech_maturity: str
    risk: dict[str, str]
    external_service_amount_rmb: float
    expedite: str
    product_line_count: int
    project_name: str | None = None
    office: str | None = None
    region: str | None = None
    stage: str | None = None
    level_override: Override | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # the rule file's own `fields`, by name

    def value(self, name: str) -> Any:
        """An input field's value, grading.md's or the rule file's own."""
        return self.extra[name] if name in self.extra else getattr(self, name)


class GradingVocabulary:
    """Every spelling the input may use, taken from the rule file (labels) and the contract (codes)."""

    def __init__(self, rules: GradingRules):
        self.enums: dict[str, EnumVocabulary] = {}
        for name, field in rules.input_fields().items():  # noqa: F402 — the loop's, not dataclasses'
            if field.kind != "enum":
                continue
            criterion = rules.criterion_for(name)
            labels = (
                {code: v.label for code, v in criterion.values.items()}
                if criterion is not None and criterion.values
                else {code: code for code in field.codes}
            )
            self.enums[name] = EnumVocabulary(name, labels)
        risk = rules.criterion_for("risk")
        risk_labels = (
            dict(risk.factor_values) if risk and risk.factor_values else {"low": "低", "medium": "中", "high": "高"}
        )
        self.risk_value = EnumVocabulary("risk", risk_labels)
        self.level = EnumVocabulary("level", rules.level_labels)
        self.stage = EnumVocabulary("stage", STAGES)


class ProjectParser:
    def __init__(self, rules: GradingRules):
        self.vocab = GradingVocabulary(rules)
        self.fields = rules.input_fields()
        # A record may carry the rule file's own fields too (grading on new fields).
        self.record_fields = (*RECORD_FIELDS, *(name for name in self.fields if name not in RECORD_FIELDS))

    @cached_property
    def numeric_fields(self) -> dict[str, tuple[float, bool]]:
        return {
            name: (f.minimum or 0.0, f.kind == "integer")
            for name, f in self.fields.items()
            if f.kind in ("number", "integer")
        }

    def maximum(self, name: str) -> float:
        limit = self.fields[name].maximum
        return MAX_AMOUNT if limit is None else limit

    def parse(self, record: Mapping[str, Any]) -> Project:
        """The validated project; InputError listing every bad field otherwise."""
        issues = Issues()
        take = issues.take
        issues.unknown_fields(record, self.record_fields)

        values: dict[str, Any] = {
            name: take(parse_text(record.get(name), name, required=name == "project_id", max_length=limit))
            for name, limit in TEXT_LIMITS.items()
        }
        stage = record.get("stage")
        values["stage"] = None if is_blank(stage) else take(self.vocab.stage.parse(stage))
        extra: dict[str, Any] = {}
        for name, (minimum, integer) in self.numeric_fields.items():
            maximum = self.maximum(name)
            number = take(parse_number(record.get(name), name, minimum=minimum, maximum=maximum, integer=integer))
            (values if name in GRADING_FIELDS else extra)[name] = (
                int(number) if integer and number is not None else number
            )
        for name, vocab in self.vocab.enums.items():
            (values if name in GRADING_FIELDS else extra)[name] = take(vocab.parse(record.get(name)))
        values["extra"] = extra
        values["risk"] = self._risk(record, issues)
        values["level_override"] = self.parse_override(record, issues)
        if issues:
            raise InputError(issues)
        return Project(**values)

    def _risk(self, record: Mapping[str, Any], issues: Issues) -> dict[str, str]:
        nested = record.get("risk")
        if nested is not None and not isinstance(nested, Mapping):
            issues.append(
                FieldIssue("risk", nested, E.WRONG_TYPE, f"risk must be an object with {list(RISK_FACTORS)}", "object")
            )
            return {}
        if nested is not None:
            issues.unknown_fields(nested, RISK_FACTORS, prefix="risk.")
        out: dict[str, str] = {}
        for factor in RISK_FACTORS:
            flat = f"risk_{factor}"
            given = nested.get(factor) if nested is not None else record.get(flat)
            field = f"risk.{factor}" if nested is not None else flat
            parsed = self.vocab.risk_value.parse(given, field)
            if isinstance(parsed, FieldIssue):
                issues.append(parsed)
            else:
                out[factor] = parsed
        return out

    def parse_override(self, record: Mapping[str, Any], issues: Issues) -> Override | None:
        nested = record.get("level_override")
        if nested is not None and not isinstance(nested, Mapping):
            issues.append(
                FieldIssue(
                    "level_override",
                    nested,
                    E.WRONG_TYPE,
                    "level_override must be an object {level, approved_by, reason}",
                    "object",
                )
            )
            return None
        if nested is not None:
            issues.unknown_fields(nested, OVERRIDE_PARTS, prefix="level_override.")
            given = {part: nested.get(part) for part in OVERRIDE_PARTS}
            names = {part: f"level_override.{part}" for part in OVERRIDE_PARTS}
        else:
            given = {part: record.get(f"override_{part}") for part in OVERRIDE_PARTS}
            names = {part: f"override_{part}" for part in OVERRIDE_PARTS}
        if all(is_blank(v) for v in given.values()):
            return None
        level = self.vocab.level.parse(given["level"], names["level"])
        found: dict[str, str] = {}
        if isinstance(level, FieldIssue):
            issues.append(level)
        else:
            found["level"] = level
        for part in ("approved_by", "reason"):
            if is_blank(given[part]):
                issues.append(
                    FieldIssue(
                        names[part],
                        given[part],
                        E.INCOMPLETE_OVERRIDE,
                        f"{names[part]} is required with a level override: an override needs its level, "
                        "who approved it and why",
                        "non-empty text",
                    )
                )
                continue
            text = parse_text(given[part], names[part], required=True, max_length=REASON_MAX_LENGTH)
            if isinstance(text, FieldIssue):
                issues.append(text)
            else:
                found[part] = text  # type: ignore[assignment]
        if len(found) != len(OVERRIDE_PARTS):
            return None
        return Override(**found)


def parse_project(record: Mapping[str, Any], rules: GradingRules) -> Project:
    return ProjectParser(rules).parse(record)
