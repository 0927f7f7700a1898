"""What the schema cannot see in a table file, found before the table is used.

Each problem carries the place it comes from (load_rule_file turns it into
file:line): a condition on an undeclared input or of the wrong type, rules
that overlap under `unique`, a rule that can never fire under `first`, input
values no rule covers when the table says it is `complete`, duplicate codes,
labels that read as another code.

Overlaps, gaps and dead rules are decided exactly: every input is cut into
the pieces the conditions can tell apart (each limit a number test names, the
open stretches between them, each value, blank), and one representative per
piece stands for all of it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

from gradegate.scoring.rulefile import Loc, Problem, label_clashes
from gradegate.scoring.tables.conditions import Check, normalize
from gradegate.scoring.tables.model import Input, TableRules

MAX_ATOMS = 62  # the batch path packs the atoms of a record into one 64-bit integer
MAX_CELLS = 200_000  # combinations examined for gaps and dead rules
_OTHER_TEXT = "(any other text)"
Piece = tuple[Any, str]  # a representative value and how a person reads the piece


def can_be_blank(spec: Input) -> bool:
    return not spec.required and spec.default is None


def _type_problems(check: Check, spec: Input, loc: Loc) -> list[Problem]:
    out: list[Problem] = []
    t = spec.type
    if check.has_range and t != "number":
        out.append(Problem(loc, "wrong_type", f"{check.field} is a {t} input: min/above/max/below compare numbers"))
    if check.values is not None:
        if t == "number":
            out.append(Problem(loc, "wrong_type", f"{check.field} is a number input: compare it with min/max"))
        elif t == "boolean" and not all(isinstance(v, bool) for v in check.values):
            out.append(Problem(loc, "wrong_type", f"{check.field} is a boolean input: test it with true or false"))
        elif t in ("enum", "text") and not all(isinstance(v, str) for v in check.values):
            out.append(Problem(loc, "wrong_type", f"{check.field} is a {t} input: give codes as text"))
        elif t == "enum":
            unknown = sorted(v for v in check.values if v not in (spec.values or {}))
            if unknown:
                codes = ", ".join(spec.values or {})
                out.append(Problem(loc, "unknown_value", f"{unknown} are not codes of {check.field} ({codes})"))
    if check.blank is True and not can_be_blank(spec):
        why = "is required" if spec.required else "has a default"
        out.append(Problem(loc, "never_holds", f"{check.field} {why}, so it is never blank"))
    if check.low > check.high or (check.low == check.high and not (check.low_in and check.high_in)):
        out.append(Problem(loc, "never_holds", f"the range on {check.field} is empty"))
    return out


def _condition_problems(t: TableRules) -> Iterator[Problem]:
    for i, rule in enumerate(t.rules):
        for field, cond in rule.when.items():
            loc: Loc = ("rules", i, "when", field)
            spec = t.inputs.get(field)
            if spec is None:
                yield Problem(
                    loc, "undeclared_input", f"{field!r} is not an input of this table ({', '.join(t.inputs)})"
                )
            else:
                yield from _type_problems(normalize(field, cond), spec, loc)
        for name, value in rule.then.items():
            loc = ("rules", i, "then", name)
            out = t.outputs.get(name)
            if out is None or out.rule_codes:
                yield Problem(
                    loc, "undeclared_output", f"{name!r} is not an output the rules give ({', '.join(t.outputs)})"
                )
            elif out.values and value not in out.values:
                yield Problem(loc, "unknown_value", f"{value!r} is not a code of {name} ({', '.join(out.values)})")
    known = set(t.outputs)
    for name, d in t.derived.items():
        for j, entry in enumerate(d.rules):
            for field in entry.when:
                loc = ("derived", name, "rules", j, "when", field)
                spec = t.inputs.get(field)
                if spec is not None:
                    yield from _type_problems(normalize(field, entry.when[field]), spec, loc)
                elif field not in known:
                    yield Problem(loc, "undeclared_input", f"{field!r} is neither an input nor an earlier output")
            if d.values and entry.value not in d.values:
                loc = ("derived", name, "rules", j, "value")
                yield Problem(loc, "unknown_value", f"{entry.value!r} is not a code of {name} ({', '.join(d.values)})")
        known.add(name)


def _shape_problems(t: TableRules) -> Iterator[Problem]:
    id_spec = t.inputs.get(t.id_field)
    if id_spec is None or id_spec.type != "text" or not id_spec.required:
        yield Problem(("id_field",), "bad_id_field", f"id_field {t.id_field!r} must name a required text input")
    for name in [*t.outputs, *t.derived]:
        if name in t.inputs:
            yield Problem(("outputs", name), "duplicate_code", f"{name!r} is both an input and an output")
    for name in t.derived:
        if name in t.outputs:
            yield Problem(("derived", name), "duplicate_code", f"{name!r} is declared as an output already")
    for name, o in t.outputs.items():
        if o.aggregate is not None and t.hit_policy != "collect":
            yield Problem(
                ("outputs", name, "aggregate"), "bad_aggregate", "aggregate applies to hit policy collect only"
            )
        if o.aggregate in ("sum", "min", "max") and (o.type != "number" or o.rule_codes):
            yield Problem(("outputs", name, "aggregate"), "bad_aggregate", f"{o.aggregate} needs a number output")
        if o.aggregate == "any" and (o.type != "boolean" or o.rule_codes):
            yield Problem(("outputs", name, "aggregate"), "bad_aggregate", "any needs a boolean output")
    seen: dict[str, int] = {}
    for i, rule in enumerate(t.rules):
        if rule.code in seen:
            yield Problem(
                ("rules", i, "code"), "duplicate_code", f"rule code {rule.code!r} is used by rule {seen[rule.code]} too"
            )
        seen.setdefault(rule.code, i)
    yield from label_clashes({r.code: r.label for r in t.rules}, ("rules",))
    for name, spec in t.inputs.items():
        if spec.values:
            yield from label_clashes(spec.values, ("inputs", name, "values"))
    for name, spec_out in t.all_outputs():
        if spec_out.values:
            yield from label_clashes(spec_out.values, (name, "values"))


def _pieces(field: str, spec: Input, checks: list[Check]) -> list[Piece]:
    """One representative per piece of the input's values that the checks can tell apart."""
    blank: list[Piece] = [(None, f"{field} blank")] if can_be_blank(spec) else []
    if spec.type == "boolean":
        return [(True, f"{field}=true"), (False, f"{field}=false"), *blank]
    if spec.type == "enum":
        return [(code, f"{field}={code}") for code in spec.values or {}] + blank
    if spec.type == "text":
        texts = sorted({v for c in checks for v in c.values or () if isinstance(v, str)})
        return [(v, f"{field}={v!r}") for v in texts] + [(_OTHER_TEXT, f"{field}={_OTHER_TEXT}")] + blank
    lo, hi = spec.lowest, spec.highest
    limits = sorted({lo, hi, *(x for c in checks for x in (c.low, c.high) if math.isfinite(x) and lo <= x <= hi)})
    out: list[Piece] = [(x, f"{field}={x:g}") for x in limits]
    for a, b in itertools.pairwise(limits):
        mid = (a + b) / 2
        if spec.integer:
            mid = math.floor(a) + 1
            if mid >= b:
                continue
        out.append((mid, f"{a:g} < {field} < {b:g}"))
    return out + blank


def _coverage_problems(t: TableRules) -> Iterator[Problem]:
    rule_checks = [{f: normalize(f, c) for f, c in r.when.items() if f in t.inputs} for r in t.rules]
    fields = sorted({f for checks in rule_checks for f in checks})
    pieces = {f: _pieces(f, t.inputs[f], [c[f] for c in rule_checks if f in c]) for f in fields}
    # For each rule and field: the indexes of the pieces its condition admits.
    admits = [
        {f: frozenset(k for k, (v, _) in enumerate(pieces[f]) if f not in checks or checks[f].holds(v)) for f in fields}
        for checks in rule_checks
    ]

    def show(cell: tuple[int, ...]) -> str:
        return ", ".join(pieces[f][k][1] for f, k in zip(fields, cell, strict=True)) or "every record"

    def covered(cell: tuple[int, ...], rules: range | list[int]) -> bool:
        return any(all(cell[n] in admits[i][f] for n, f in enumerate(fields)) for i in rules)

    if t.hit_policy == "unique":
        for i, j in itertools.combinations(range(len(t.rules)), 2):
            common = [admits[i][f] & admits[j][f] for f in fields]
            if all(common):
                example = tuple(min(s) for s in common)
                pair = f"rules {t.rules[i].code!r} and {t.rules[j].code!r}"
                msg = f"{pair} both hold for {show(example)} (hit policy unique)"
                yield Problem(("rules", j, "when"), "overlap", msg)
    sizes = math.prod(len(pieces[f]) for f in fields)
    if sizes > MAX_CELLS and (t.complete or t.hit_policy == "first"):
        yield Problem(("rules",), "too_complex", f"{sizes:,} combinations of input pieces; at most {MAX_CELLS:,}")
        return
    if t.hit_policy == "first":
        for j in range(1, len(t.rules)):
            own = itertools.product(*(sorted(admits[j][f]) for f in fields))
            if all(covered(cell, range(j)) for cell in own):
                msg = f"rule {t.rules[j].code!r} can never fire: the rules above it take every record it matches"
                yield Problem(("rules", j), "unreachable", msg)
    if t.complete:
        for cell in itertools.product(*(range(len(pieces[f])) for f in fields)):
            if not covered(cell, range(len(t.rules))):
                yield Problem(("complete",), "gap", f"no rule covers {show(cell)}, yet the table says it is complete")
                break


def table_problems(t: TableRules) -> list[Problem]:
    problems = [*_shape_problems(t), *_condition_problems(t)]
    atoms = len(t.rules) + sum(1 for d in t.derived.values() for e in d.rules if set(e.when) & set(t.inputs))
    if atoms > MAX_ATOMS:
        problems.append(Problem(("rules",), "too_many_rules", f"{atoms} rules and derived tests; at most {MAX_ATOMS}"))
    if not problems:  # coverage reasoning needs well-typed conditions
        problems.extend(_coverage_problems(t))
    return problems
