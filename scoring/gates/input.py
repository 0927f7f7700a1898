"""One readiness request → a validated `GateRequest`, or every problem with it at once.

Unknown deliverable keys are likely typos of a known one but harmless to the
decision, so they become warnings; everything else that is wrong is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gradegate.scoring import errors as E
from gradegate.scoring.errors import FieldIssue, InputError
from gradegate.scoring.gates.model import STATUS_RANK, STATUSES, GateRules
from gradegate.scoring.values import (
    EnumVocabulary,
    Issues,
    did_you_mean,
    is_blank,
    parse_codes,
    parse_text,
    require_object,
)
from gradegate.scoring.vocabulary import ID_MAX_LENGTH

FIELDS = ("project_id", "gate", "level", "grading", "flags", "passed_gates", "deliverables")


@dataclass(frozen=True)
class Notice:
    """A warning about the input that did not stop the check."""

    field: str
    value: Any
    reason: str
    message: str


@dataclass
class GateRequest:
    project_id: str
    gate: str
    level: str | None
    flags: dict[str, bool]
    passed: frozenset[str]
    ranks: dict[str, int]  # deliverable → status rank, only for the deliverables the rules know
    warnings: list[Notice] = field(default_factory=list)


# (grading record) → level code; raises InputError. Supplied by the caller, who owns the grading rules.
LevelOf = Callable[[Mapping[str, Any]], str]


class GateRequestParser:
    def __init__(self, rules: GateRules, level_labels: Mapping[str, str]):
        self.rules = rules
        self.gates = EnumVocabulary("gate", {g.code: g.label for g in rules.gates})
        self.level = EnumVocabulary("level", level_labels)
        self.status = EnumVocabulary("status", STATUSES)
        self._ranks = {spelling: STATUS_RANK[code] for code, label in STATUSES.items() for spelling in (code, label)}
        self.flag_names = set(rules.flags)

    def parse(self, record: Any, level_of: LevelOf, gate: str | None = None) -> GateRequest:
        record = require_object(record)
        issues = Issues()
        take = issues.take
        issues.unknown_fields(record, FIELDS)
        project_id = take(parse_text(record.get("project_id"), "project_id", required=True, max_length=ID_MAX_LENGTH))
        gate_code = take(self.gates.parse(gate if gate is not None else record.get("gate")))
        flags = self.parse_flags(record.get("flags"), issues)
        passed = self.parse_passed(record.get("passed_gates"), issues)
        ranks, warnings = self._deliverables(record.get("deliverables"), issues)
        level = self._level(record, gate_code, project_id, level_of, issues)
        if issues:
            raise InputError(issues)
        return GateRequest(project_id, gate_code, level, flags, passed, ranks, warnings)

    def parse_flags(self, given: Any, issues: list[FieldIssue]) -> dict[str, bool]:
        flags = dict.fromkeys(self.rules.flags, False)
        if given is None:
            return flags
        accepted = ", ".join(f"{k} ({v})" for k, v in self.rules.flags.items())
        if not isinstance(given, Mapping):
            issues.append(FieldIssue("flags", given, E.WRONG_TYPE, "flags must be an object of true/false", accepted))
            return flags
        for name, value in given.items():
            where = f"flags.{name}"
            if name not in self.flag_names:
                issues.append(
                    FieldIssue(
                        where,
                        value,
                        E.UNKNOWN_VALUE,
                        f"unknown flag {name!r}{_hint(name, self.flag_names)}; the flags are {accepted}",
                        accepted,
                    )
                )
            elif not isinstance(value, bool):
                issues.append(
                    FieldIssue(
                        where,
                        value,
                        E.WRONG_TYPE,
                        f"{where}: {E.show_value(value)} is not true or false",
                        "true, false",
                    )
                )
            else:
                flags[name] = value
        return flags

    def parse_passed(self, given: Any, issues: list[FieldIssue]) -> frozenset[str]:
        if given is None:
            return frozenset()
        if not isinstance(given, list):
            issues.append(
                FieldIssue(
                    "passed_gates", given, E.WRONG_TYPE, "passed_gates must be a list of gates", self.gates.accepted
                )
            )
            return frozenset()
        return parse_codes(self.gates, given, "passed_gates", issues)

    def _deliverables(self, given: Any, issues: list[FieldIssue]) -> tuple[dict[str, int], list[Notice]]:
        known = self.rules.deliverables
        if given is None:
            return {}, []
        if not isinstance(given, Mapping):
            issues.append(
                FieldIssue(
                    "deliverables", given, E.WRONG_TYPE, "deliverables must be an object: code → status", "object"
                )
            )
            return {}, []
        ranks: dict[str, int] = {}
        warnings: list[Notice] = []
        for key, value in given.items():
            where = f"deliverables.{key}"
            if key not in known:
                warnings.append(
                    Notice(
                        where,
                        value,
                        "unknown_deliverable",
                        f"the rules know no deliverable {key!r}{_hint(key, known)}; ignored",
                    )
                )
                continue
            rank = self._ranks.get(value) if isinstance(value, str) else None
            if rank is not None:  # the usual spellings, exactly as the table gives them
                ranks[key] = rank
                continue
            if is_blank(value):
                ranks[key] = 0  # an explicit null or "" reads as absent: missing
                continue
            status = self.status.parse(value, where)
            if isinstance(status, FieldIssue):
                issues.append(status)
            else:
                ranks[key] = STATUS_RANK[status]
        return ranks, warnings

    def _level(
        self,
        record: Mapping[str, Any],
        gate: str | None,
        project_id: str | None,
        level_of: LevelOf,
        issues: list[FieldIssue],
    ) -> str | None:
        level: str | None = None
        given = record.get("level")
        if not is_blank(given):
            parsed = self.level.parse(given)
            if isinstance(parsed, FieldIssue):
                issues.append(parsed)
                return None
            level = parsed
        grading = record.get("grading")
        if grading is not None:
            if not isinstance(grading, Mapping):
                issues.append(
                    FieldIssue("grading", grading, E.WRONG_TYPE, "grading must be an object: a grading input", "object")
                )
                return None
            try:
                graded = level_of({"project_id": project_id or "", **grading})
            except InputError as exc:
                issues.extend(
                    FieldIssue(f"grading.{i.field}", i.value, i.reason, f"grading.{i.message}", i.accepted)
                    for i in exc.issues
                )
                return None
            if level is not None and level != graded:
                issues.append(
                    FieldIssue(
                        "level",
                        given,
                        "conflict",
                        f"level {given!r} contradicts the level graded from `grading` ({graded}); give one of them",
                        self.level.accepted,
                    )
                )
                return None
            level = graded
        if level is None and gate is not None and self.rules.gate(gate).needs_level:
            issues.append(
                FieldIssue(
                    "level",
                    given,
                    E.MISSING,
                    f"gate {gate} is decided by the project's level: give `level` ({self.level.accepted}) "
                    "or `grading` (a grading input)",
                    self.level.accepted,
                )
            )
        return level


def _hint(word: str, known: Any) -> str:
    return did_you_mean(str(word), known)
