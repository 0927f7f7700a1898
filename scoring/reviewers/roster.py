"""The roster of review experts: read from a CSV file or inline records, validated
row by row, and indexed by role in picking order (lowest load, then expert_id).

CSV columns: expert_id, name, roles (`;`-separated), regions and product_lines
(`;`-separated, or `*` for all), available (true/false), current_load (≥ 0).
Inline records carry the same fields with JSON arrays, a boolean and an integer.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradegate.scoring import errors as E
from gradegate.scoring.errors import FieldIssue, InputError
from gradegate.scoring.values import TRIM, is_blank, parse_number, parse_text
from gradegate.scoring.vocabulary import ID_MAX_LENGTH, NAME_MAX_LENGTH

ROSTER_COLUMNS = ("expert_id", "name", "roles", "regions", "product_lines", "available", "current_load")
ALL = "*"
_TRUE = {"true", "yes", "1", "是"}
_FALSE = {"false", "no", "0", "否"}
MAX_LOAD = 1_000_000


@dataclass(frozen=True)
class Expert:
    expert_id: str
    name: str
    roles: frozenset[str]
    regions: frozenset[str] | None  # None: every region
    product_lines: frozenset[str] | None  # None: every product line
    available: bool
    current_load: int

    def covers(self, region: str | None, product_lines: frozenset[str]) -> tuple[bool, bool]:
        """(covers the region, covers at least one of the product lines); True when none is asked."""
        region_ok = region is None or self.regions is None or region in self.regions
        lines_ok = not product_lines or self.product_lines is None or bool(self.product_lines & product_lines)
        return region_ok, lines_ok


class Roster:
    def __init__(self, experts: Iterable[Expert], source: str = "roster"):
        self.source = source
        self.experts = sorted(experts, key=lambda e: e.expert_id)
        self.by_role: dict[str, list[Expert]] = {}
        for e in sorted(self.experts, key=lambda e: (e.current_load, e.expert_id)):
            for role in e.roles:
                self.by_role.setdefault(role, []).append(e)
        self.roles = frozenset(self.by_role)

    def __len__(self) -> int:
        return len(self.experts)

    @classmethod
    def from_csv(cls, path: Path, known_roles: Collection[str] | None = None) -> Roster:
        path = Path(path)
        try:
            with path.open(encoding="utf-8-sig", newline="") as f:
                reader = csv.DictReader(f)
                header = [h.strip(TRIM) for h in reader.fieldnames or []]
                missing = [c for c in ROSTER_COLUMNS if c not in header]
                if missing:
                    raise InputError(
                        [
                            FieldIssue(
                                c, None, E.MISSING, f"{path.name}: column {c!r} is missing", ", ".join(ROSTER_COLUMNS)
                            )
                            for c in missing
                        ]
                    )
                rows = [({k.strip(TRIM): v for k, v in row.items() if k}, reader.line_num) for row in reader]
        except OSError as exc:
            raise InputError(
                [FieldIssue("roster", str(path), E.MISSING, f"cannot read the roster: {exc}", None)]
            ) from None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise InputError(
                [FieldIssue("roster", str(path), E.MALFORMED, f"{path.name} is not a UTF-8 CSV: {exc}", None)]
            ) from None
        return cls._build(((row, f"{path.name} line {n}", True) for row, n in rows), known_roles, path.name)

    @classmethod
    def from_records(cls, records: Any, known_roles: Collection[str] | None = None) -> Roster:
        if not isinstance(records, list):
            raise InputError([FieldIssue("roster", records, E.WRONG_TYPE, "roster must be a list of experts", "list")])
        for i, r in enumerate(records):
            if not isinstance(r, Mapping):
                raise InputError(
                    [FieldIssue(f"roster[{i}]", r, E.WRONG_TYPE, f"roster[{i}] must be an object", "object")]
                )
        return cls._build(((r, f"roster[{i}]", False) for i, r in enumerate(records)), known_roles, "roster")

    @classmethod
    def _build(
        cls, rows: Iterable[tuple[Mapping[str, Any], str, bool]], known: Collection[str] | None, source: str
    ) -> Roster:
        issues: list[FieldIssue] = []
        experts: list[Expert] = []
        seen: set[str] = set()
        for row, where, text in rows:
            expert = _expert(row, where, text, known, issues)
            if expert is None:
                continue
            if expert.expert_id in seen:
                issues.append(
                    FieldIssue(
                        f"{where}.expert_id",
                        expert.expert_id,
                        E.DUPLICATE,
                        f"{where}: expert_id {expert.expert_id!r} is listed twice",
                        "unique ids",
                    )
                )
            seen.add(expert.expert_id)
            experts.append(expert)
        if not experts and not issues:
            issues.append(
                FieldIssue("roster", None, E.MISSING, f"{source}: the roster holds no expert", "at least one expert")
            )
        if issues:
            raise InputError(issues)
        return cls(experts, source)


def _expert(
    row: Mapping[str, Any], where: str, text: bool, known: Collection[str] | None, issues: list[FieldIssue]
) -> Expert | None:
    before = len(issues)

    def take(result: Any) -> Any:
        if isinstance(result, FieldIssue):
            issues.append(
                FieldIssue(
                    f"{where}.{result.field}",
                    result.value,
                    result.reason,
                    f"{where}: {result.message}",
                    result.accepted,
                )
            )
            return None
        return result

    expert_id = take(parse_text(row.get("expert_id"), "expert_id", required=True, max_length=ID_MAX_LENGTH))
    name = take(parse_text(row.get("name"), "name", required=True, max_length=NAME_MAX_LENGTH))
    roles = take(_codes(row.get("roles"), "roles", text, allow_all=False))
    if roles is not None and known is not None:
        for role in sorted(roles - set(known)):
            take(FieldIssue("roles", role, E.UNKNOWN_VALUE, f"roles: unknown role {role!r}", ", ".join(known)))
    regions = take(_codes(row.get("regions"), "regions", text, allow_all=True))
    lines = take(_codes(row.get("product_lines"), "product_lines", text, allow_all=True))
    available = take(_bool(row.get("available"), text))
    load = take(parse_number(row.get("current_load"), "current_load", minimum=0, maximum=MAX_LOAD, integer=True))
    if len(issues) > before:
        return None
    return Expert(expert_id, name, roles, regions or None, lines or None, available, int(load))


def _codes(value: Any, field: str, text: bool, allow_all: bool) -> frozenset[str] | FieldIssue:
    """A `;`-separated cell or a JSON array → set of names; empty set means `*` (all)."""
    shape = "`;`-separated names" + (" or * for all" if allow_all else "") if text else "a JSON array of names"
    if text:
        if is_blank(value) or not isinstance(value, str):
            return FieldIssue(field, value, E.MISSING, f"{field} is required: give {shape}", shape)
        parts = [p.strip(TRIM) for p in value.split(";")]
    elif isinstance(value, list) and all(isinstance(p, str) for p in value):
        parts = [p.strip(TRIM) for p in value]
    else:
        return FieldIssue(field, value, E.WRONG_TYPE, f"{field}: {E.show_value(value)} is not {shape}", shape)
    parts = [p for p in parts if p]
    if not parts:
        return FieldIssue(field, value, E.MISSING, f"{field} is empty: give {shape}", shape)
    if ALL in parts:
        if not allow_all:
            return FieldIssue(field, value, E.UNKNOWN_VALUE, f"{field}: * is not allowed here; name them", shape)
        return frozenset()
    return frozenset(parts)


def _bool(value: Any, text: bool) -> bool | FieldIssue:
    if isinstance(value, bool):
        return value
    if text and isinstance(value, str):
        key = value.strip(TRIM).lower()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    accepted = "true or false" + (" (also yes/no, 1/0, 是/否)" if text else "")
    return FieldIssue("available", value, E.WRONG_TYPE, f"available: {E.show_value(value)} is not {accepted}", accepted)
