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
from gradegate.scoring.messages import hint, issue, render
from gradegate.scoring.values import TRIM, closest, is_blank, parse_number, parse_text
from gradegate.scoring.vocabulary import ID_MAX_LENGTH, NAME_MAX_LENGTH, ROSTER_LABELS

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
                    columns = ", ".join(ROSTER_COLUMNS)
                    raise InputError(
                        [
                            issue(c, None, E.MISSING, columns, key="roster.column_missing", file=path.name,
                                  label=ROSTER_LABELS[c])
                            for c in missing
                        ]
                    )  # fmt: skip
                rows = [({k.strip(TRIM): v for k, v in row.items() if k}, reader.line_num) for row in reader]
        except OSError as exc:
            key = "roster.no_file" if isinstance(exc, FileNotFoundError) else "roster.unreadable"
            error = exc.strerror or exc
            raise InputError(
                [issue("roster", str(path), E.MISSING, None, key=key, path=path, error=exc, error_zh=error)]
            ) from None
        except UnicodeDecodeError as exc:
            raise InputError(
                [issue("roster", str(path), E.MALFORMED, None, key="roster.not_utf8", file=path.name, byte=exc.start,
                       error=exc)]
            ) from None  # fmt: skip
        except csv.Error as exc:
            raise InputError(
                [issue("roster", str(path), E.MALFORMED, None, key="roster.bad_csv", file=path.name, error=exc)]
            ) from None
        # `where` prefixes the field codes (machine-facing, unchanged); `where_zh` is how a person finds the row.
        rows_at = ((row, f"{path.name} line {n}", f"{path.name} 第 {n} 行", True) for row, n in rows)
        return cls._build(rows_at, known_roles, path.name)

    @classmethod
    def from_records(cls, records: Any, known_roles: Collection[str] | None = None) -> Roster:
        if not isinstance(records, list):
            raise InputError([issue("roster", records, E.WRONG_TYPE, "list", key="roster.not_a_list")])
        for i, r in enumerate(records):
            if not isinstance(r, Mapping):
                raise InputError(
                    [issue(f"roster[{i}]", r, E.WRONG_TYPE, "object", key="roster.entry_not_an_object", number=i + 1)]
                )
        rows_at = ((r, f"roster[{i}]", f"名册第 {i + 1} 项", False) for i, r in enumerate(records))
        return cls._build(rows_at, known_roles, "roster")

    @classmethod
    def _build(
        cls, rows: Iterable[tuple[Mapping[str, Any], str, str, bool]], known: Collection[str] | None, source: str
    ) -> Roster:
        issues: list[FieldIssue] = []
        experts: list[Expert] = []
        seen: set[str] = set()
        for row, where, where_zh, text in rows:
            expert = _expert(row, where, where_zh, text, known, issues)
            if expert is None:
                continue
            if expert.expert_id in seen:
                issues.append(
                    issue(f"{where}.expert_id", expert.expert_id, E.DUPLICATE, "unique ids", key="roster.duplicate",
                          where=where, where_zh=where_zh, label=ROSTER_LABELS["expert_id"])
                )  # fmt: skip
            seen.add(expert.expert_id)
            experts.append(expert)
        if not experts and not issues:
            issues.append(issue("roster", None, E.MISSING, "at least one expert", key="roster.empty", source=source))
        if issues:
            raise InputError(issues)
        return cls(experts, source)


def _expert(
    row: Mapping[str, Any],
    where: str,
    where_zh: str,
    text: bool,
    known: Collection[str] | None,
    issues: list[FieldIssue],
) -> Expert | None:
    before = len(issues)

    def take(result: Any) -> Any:
        if isinstance(result, FieldIssue):
            # The cell's issue placed in its row, in both languages: `roster.csv line 4.available`.
            located = {"where": where, "where_zh": where_zh, "detail_zh": result.message,
                       "detail_en": result.in_language("en")}  # fmt: skip
            issues.append(
                FieldIssue(
                    f"{where}.{result.field}",
                    result.value,
                    result.reason,
                    render("roster.located", "zh", **located),
                    result.accepted,
                    render("roster.located", "en", **located),
                )
            )
            return None
        return result

    label = ROSTER_LABELS
    if not text:
        # An inline entry is JSON a program wrote: a misspelled key is named (with the column meant),
        # never ignored. A CSV roster may carry columns of its own beside the seven it needs.
        for key in row:
            if key not in ROSTER_COLUMNS:
                hint_zh, hint_en = hint(closest(str(key), ROSTER_COLUMNS))
                take(issue(str(key), row[key], E.UNKNOWN_FIELD, ", ".join(ROSTER_COLUMNS), key="unknown_field",
                           hint_zh=hint_zh, hint_en=hint_en))  # fmt: skip
    expert_id = take(
        parse_text(row.get("expert_id"), "expert_id", required=True, max_length=ID_MAX_LENGTH, label=label["expert_id"])
    )
    name = take(parse_text(row.get("name"), "name", required=True, max_length=NAME_MAX_LENGTH, label=label["name"]))
    roles = take(_codes(row.get("roles"), "roles", text, allow_all=False))
    if roles is not None and known is not None:
        accepted = ", ".join(known)
        for role in sorted(roles - set(known)):
            take(issue("roles", role, E.UNKNOWN_VALUE, accepted, key="roster.unknown_role", label=label["roles"]))
    regions = take(_codes(row.get("regions"), "regions", text, allow_all=True))
    lines = take(_codes(row.get("product_lines"), "product_lines", text, allow_all=True))
    available = take(_bool(row.get("available"), text))
    load = take(
        parse_number(
            row.get("current_load"), "current_load", minimum=0, maximum=MAX_LOAD, integer=True,
            label=label["current_load"],
        )
    )  # fmt: skip
    if len(issues) > before:
        return None
    return Expert(expert_id, name, roles, regions or None, lines or None, available, int(load))


def _codes(value: Any, field: str, text: bool, allow_all: bool) -> frozenset[str] | FieldIssue:
    """A `;`-separated cell or a JSON array → set of names; empty set means `*` (all)."""
    if text:
        shape = "`;`-separated names" + (" or * for all" if allow_all else "")
        shape_zh = "以 ; 分隔的名称" + ("，或用 * 表示全部" if allow_all else "")
    else:
        shape, shape_zh = "a JSON array of names", "名称的 JSON 数组"
    words = {"label": ROSTER_LABELS[field], "shape": shape, "shape_zh": shape_zh}
    if text:
        if is_blank(value) or not isinstance(value, str):
            return issue(field, value, E.MISSING, shape, key="roster.codes_missing", **words)
        parts = [p.strip(TRIM) for p in value.split(";")]
    elif isinstance(value, list) and all(isinstance(p, str) for p in value):
        parts = [p.strip(TRIM) for p in value]
    else:
        return issue(field, value, E.WRONG_TYPE, shape, key="roster.codes_wrong_type", **words)
    parts = [p for p in parts if p]
    if not parts:
        return issue(field, value, E.MISSING, shape, key="roster.codes_empty", **words)
    if ALL in parts:
        if not allow_all:
            return issue(field, value, E.UNKNOWN_VALUE, shape, key="roster.all_not_allowed", **words)
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
    accepted_zh = "true 或 false" + ("（也可填 yes/no、1/0、是/否）" if text else "")
    return issue("available", value, E.WRONG_TYPE, accepted, key="roster.available", label=ROSTER_LABELS["available"],
                 accepted_zh=accepted_zh)  # fmt: skip
