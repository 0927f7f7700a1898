"""Replay: logged decisions decided again under candidate rules, to see what a change would do.

Fed in chunks (the service streams them from its decision log); grading goes through
the vectorized batch path (grade_frame), the other decisions through their deciders.
Changes and refused inputs leave through callbacks as they are found, so memory holds
one chunk and the per-route counters, whatever the size of the log.

    before / after: the level for grading, ready / blocked for gates, the required roles and
    the decision authority for reviewers, the first output for a decision table
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradegate.scoring.errors import InputError
from gradegate.scoring.grading.frame import grade_frame
from gradegate.scoring.lifecycle.kinds import decider
from gradegate.scoring.rulesets import RuleSets
from gradegate.scoring.tabular import records_frame

REPLAY_CHANGE_COLUMNS = ["decision_id", "route", "subject_id", "before", "after", "before_total", "after_total"]
REPLAY_INVALID_COLUMNS = ["decision_id", "route", "subject_id", "field", "reason", "message"]
LEVEL_RANK = {"office": 0, "company": 1}
INVALID = "invalid"  # a batch item the rules in force refused: it had no outcome


@dataclass(frozen=True)
class Logged:
    decision_id: str
    route: str
    input: Any
    output: Any


@dataclass
class RouteSummary:
    route: str
    replayed: int = 0
    unchanged: int = 0
    changed: int = 0
    up: int = 0
    down: int = 0
    invalid: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    delta_sum: Counter[str] = field(default_factory=Counter)
    delta_n: int = 0  # gradings valid before and after: the means' denominator

    def row(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "route": self.route,
            "replayed": self.replayed,
            "unchanged": self.unchanged,
            "changed": self.changed,
            "up": self.up,
            "down": self.down,
            "invalid": self.invalid,
            "invalid_reasons": "; ".join(f"{reason} ×{n}" for reason, n in self.reasons.most_common()),
        }
        for code, total in sorted(self.delta_sum.items()):
            out[f"mean_delta_{code}"] = round(total / self.delta_n, 4) if self.delta_n else 0.0
        return out


@dataclass(frozen=True)
class Item:
    """One decision of a logged request (a batch request holds several)."""

    decision_id: str
    route: str
    record: Any
    before: Any  # the logged answer; None when the item was refused then


Rows = Callable[[list[dict[str, Any]]], None]


def _items(logged: Logged) -> tuple[str, list[Item]]:
    """(decision kind, items) of one logged request."""
    route = logged.route
    if route.endswith("/batch") and isinstance(logged.input, list):
        results = (logged.output or {}).get("results") or []
        befores = [r.get("result") if r.get("ok") else None for r in results]
        befores += [None] * (len(logged.input) - len(befores))
        items = [Item(logged.decision_id, route, rec, b) for rec, b in zip(logged.input, befores, strict=False)]
    else:
        items = [Item(logged.decision_id, route, logged.input, logged.output)]
    if route.startswith("/v1/grade") or route == "/":  # the web form at / grades
        return "grading", items
    if route == "/v1/gates/check":
        return "gates", items
    if route == "/v1/reviewers/select":
        return "reviewers", items
    if route.startswith("/v1/decide/"):
        return route.removeprefix("/v1/decide/").removesuffix("/batch"), items
    return "", items


def _subject(record: Any) -> str:
    if isinstance(record, Mapping):
        for key in ("project_id", "id", "quote_id", "order_id", "contract_id"):
            if record.get(key) is not None:
                return str(record[key])
    return ""


def outcome(kind: str, answer: Any) -> str:
    """The outcome a replay compares: see the module's docstring."""
    if answer is None:
        return INVALID
    if kind == "grading":
        return str(answer.get("level"))
    if kind == "gates":
        return "ready" if answer.get("ready") else "blocked"
    if kind == "reviewers":
        roles = " ".join(r.get("role", "") for r in answer.get("required_roles", []))
        return f"{roles} / {answer.get('decision_authority')}"
    outputs = answer.get("outputs", answer)
    return str(next(iter(outputs.values()), "")) if isinstance(outputs, Mapping) and outputs else ""


class Replayer:
    def __init__(self, candidate: RuleSets, on_changes: Rows, on_invalid: Rows):
        self.candidate = candidate
        self.on_changes = on_changes
        self.on_invalid = on_invalid
        self.routes: dict[str, RouteSummary] = {}

    def summary(self) -> list[dict[str, Any]]:
        return [self.routes[r].row() for r in sorted(self.routes)]

    def _route(self, route: str) -> RouteSummary:
        found = self.routes.get(route)
        if found is None:
            found = self.routes[route] = RouteSummary(route)
        return found

    def feed(self, chunk: Iterable[Logged]) -> None:
        by_kind: dict[str, list[Item]] = {}
        for logged in chunk:
            kind, items = _items(logged)
            by_kind.setdefault(kind, []).extend(items)
        changes: list[dict[str, Any]] = []
        invalid: list[dict[str, Any]] = []
        for kind, items in by_kind.items():
            if kind == "grading":
                self._grading(items, changes, invalid)
            else:
                self._one_by_one(kind, items, changes, invalid)
        if changes:
            self.on_changes(changes)
        if invalid:
            self.on_invalid(invalid)

    def _refused(self, item: Item, issues: Sequence[tuple[str, str, str]], invalid: list[dict[str, Any]]) -> None:
        summary = self._route(item.route)
        summary.invalid += 1
        subject = _subject(item.record)
        for field_name, reason, message in issues:
            summary.reasons[f"{field_name} {reason}"] += 1
            invalid.append(
                {
                    "decision_id": item.decision_id,
                    "route": item.route,
                    "subject_id": subject,
                    "field": field_name,
                    "reason": reason,
                    "message": message,
                }
            )

    def _count(
        self, item: Item, before: str, after: str, changes: list[dict[str, Any]], totals: tuple[Any, Any] = ("", "")
    ) -> None:
        summary = self._route(item.route)
        if before == after:
            summary.unchanged += 1
            return
        summary.changed += 1
        if before in LEVEL_RANK and after in LEVEL_RANK:
            if LEVEL_RANK[after] > LEVEL_RANK[before]:
                summary.up += 1
            else:
                summary.down += 1
        changes.append(
            {
                "decision_id": item.decision_id,
                "route": item.route,
                "subject_id": _subject(item.record),
                "before": before,
                "after": after,
                "before_total": totals[0],
                "after_total": totals[1],
            }
        )

    def _one_by_one(
        self, kind: str, items: list[Item], changes: list[dict[str, Any]], invalid: list[dict[str, Any]]
    ) -> None:
        decide = decider(self.candidate, kind) if kind else None
        for item in items:
            self._route(item.route).replayed += 1
            if decide is None:
                self._refused(
                    item, [("route", "not_replayable", f"the candidate rules have no decision {kind!r}")], invalid
                )
                continue
            if not isinstance(item.record, Mapping):
                self._refused(item, [("(input)", "wrong_type", "the logged input is not an object")], invalid)
                continue
            try:
                after = decide(self.candidate, item.record)
            except InputError as exc:
                self._refused(item, [(i.field, i.reason, i.message) for i in exc.issues], invalid)
                continue
            self._count(item, outcome(kind, item.before), outcome(kind, after), changes)

    def _grading(self, items: list[Item], changes: list[dict[str, Any]], invalid: list[dict[str, Any]]) -> None:
        frame = records_frame([item.record if isinstance(item.record, Mapping) else {} for item in items])
        batch = grade_frame(frame, self.candidate.grading, unique_ids=False)
        graded = batch.graded
        codes = [c.code for c in self.candidate.grading.rules.criteria]
        positions = (graded["row"].to_numpy() - 1).tolist()
        levels = graded["level"].tolist()
        totals = graded["total_score"].tolist()
        after_points = graded[[f"points_{c}" for c in codes]].to_numpy(dtype=np.int64)
        # Before points, one matrix per criteria layout of the logged answers (usually one).
        layouts: dict[tuple[str, ...], tuple[list[int], list[list[int]]]] = {}
        done = np.zeros(len(items), dtype=bool)
        for k, pos in enumerate(positions):
            item = items[pos]
            done[pos] = True
            summary = self._route(item.route)
            summary.replayed += 1
            before = item.before
            if before:
                criteria = before.get("criteria") or []
                rows, points = layouts.setdefault(tuple(c["code"] for c in criteria), ([], []))
                rows.append(k)
                points.append([c["points"] for c in criteria])
                summary.delta_n += 1
                before_total = before.get("total_score", "")
            else:
                before_total = ""
            self._count(item, outcome("grading", before), levels[k], changes, (before_total, totals[k]))
        self._deltas(layouts, codes, after_points, items, positions)
        issues: dict[int, list[tuple[str, str, str]]] = {}
        for row, field_name, reason, message in batch.errors[["row", "field", "reason", "message"]].itertuples(
            index=False
        ):
            issues.setdefault(int(row) - 1, []).append((str(field_name), str(reason), str(message)))
        unreadable = [("(input)", "wrong_type", "the logged input is not an object")]
        for pos in np.flatnonzero(~done):
            self._route(items[pos].route).replayed += 1
            self._refused(items[pos], issues.get(int(pos), unreadable), invalid)

    def _deltas(
        self,
        layouts: dict[tuple[str, ...], tuple[list[int], list[list[int]]]],
        codes: list[str],
        after_points: np.ndarray,
        items: list[Item],
        positions: list[int],
    ) -> None:
        """Per route and criterion: the sum of (candidate points − logged points), summed by column."""
        for layout, (rows, points) in layouts.items():
            before = np.asarray(points, dtype=np.int64).reshape(len(rows), len(layout))
            routes = np.array([items[positions[k]].route for k in rows], dtype=object)
            after = after_points[rows]
            for route in set(routes.tolist()):
                mask = routes == route
                summary = self._route(route)
                for j, code in enumerate(codes):
                    summary.delta_sum[code] += int(after[mask, j].sum())
                for i, code in enumerate(layout):
                    summary.delta_sum[code] -= int(before[mask, i].sum())
