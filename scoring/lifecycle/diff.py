"""What changed between two rule folders (or bundles), in words an analyst reads:

    grading: strategic.general points 2 → 5; threshold 40 → 42
    gates: R1 feasibility_report required_status submitted → approved
    reviewers: clauses.ip_terms adds [ip_signatory] → [ip_signatory, legal_signatory]

A structural diff of the parsed YAML: lists of objects are matched by their code
(criteria, risk levels, gates, deliverable items, table rules with an id), bands by
their limits; containers that only group things (criteria, values, gates, items) are
left out of the path. Used by `gradegate rules diff`, the analysts' page and reports.
"""

from __future__ import annotations

from typing import Any

import yaml

IDS = ("code", "deliverable", "id", "name")
BOUNDS = ("from", "above", "below", "equals")
# Keys that only group what they hold: the path reads `strategic.general`, not `criteria.strategic.values.general`.
GROUPS = {"criteria", "values", "levels", "gates", "items", "rules", "bands"}
UNSPOKEN = {"description"}


def _ident(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for key in IDS:
            if isinstance(item.get(key), str | int):
                return str(item[key])
        bounds = [f"{k} {item[k]}" for k in BOUNDS if k in item]
        if bounds:
            return "band " + " ".join(bounds)
    return f"#{index + 1}"


def _show(value: Any) -> str:
    if isinstance(value, dict | list):
        return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()
    return "(none)" if value is None else str(value)


def _join(path: list[str]) -> str:
    return ".".join(path)


def _walk(a: Any, b: Any, path: list[str], out: list[str]) -> None:
    if a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            if key in UNSPOKEN:
                continue
            sub = path if key in GROUPS else [*path, str(key)]
            if key not in b:
                out.append(f"{_join(sub) or key} removed")
            elif key not in a:
                out.append(f"{_join(sub) or key} added: {_show(b[key])}")
            else:
                _walk(a[key], b[key], sub, out)
        return
    if isinstance(a, list) and isinstance(b, list) and all(isinstance(x, dict) for x in [*a, *b]):
        ia = {_ident(x, i): x for i, x in enumerate(a)}
        ib = {_ident(x, i): x for i, x in enumerate(b)}
        if len(ia) == len(a) and len(ib) == len(b):
            for key in [*ia, *(k for k in ib if k not in ia)]:
                if key not in ib:
                    out.append(f"{_join([*path, key])} removed")
                elif key not in ia:
                    out.append(f"{_join([*path, key])} added: {_show(ib[key])}")
                else:
                    _walk(ia[key], ib[key], [*path, key], out)
            if [k for k in ia if k in ib] != [k for k in ib if k in ia]:
                out.append(f"{_join(path) or 'list'} reordered")
            return
    where = f"{_join(path[:-1])} {path[-1]}" if len(path) > 1 else _join(path) or "content"
    out.append(f"{where} {_show(a)} → {_show(b)}")


def _label(name: str) -> str:
    return name.rsplit(".", 1)[0]


def diff_files(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """One line per changed file, `label: change; change`, in file order; empty when nothing changed."""
    lines: list[str] = []
    for name in sorted({*before, *after}):
        label = _label(name)
        if name not in after:
            lines.append(f"{label}: file removed")
        elif name not in before:
            lines.append(f"{label}: file added")
        elif before[name] != after[name]:
            try:
                a, b = yaml.safe_load(before[name]), yaml.safe_load(after[name])
            except yaml.YAMLError:
                lines.append(f"{label}: changed (not readable YAML)")
                continue
            if name.startswith("scenarios/") and isinstance(a, list) and isinstance(b, list):
                lines.append(f"{label}: {len(a)} cases → {len(b)} cases" if len(a) != len(b) else f"{label}: changed")
                continue
            changes: list[str] = []
            _walk(a, b, [], changes)
            lines.append(f"{label}: {'; '.join(changes) if changes else 'comments or layout only'}")
    return lines
