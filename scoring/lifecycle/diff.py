"""What changed between two rule folders (or bundles), in words an analyst reads:

    grading: strategic.general points 2 → 5; threshold 40 → 42
    gates: R1 feasibility_report required_status submitted → approved
    reviewers: clauses.ip_terms adds [ip_signatory] → [ip_signatory, legal_signatory]
    tables/po_signer: 新增文件

The paths are the rule files' own keys and codes; the words around them come from the
message catalogue (Chinese: what a person reads).

A structural diff of the parsed YAML: lists of objects are matched by their code
(criteria, risk levels, gates, deliverable items, table rules with an id), bands by
their limits; containers that only group things (criteria, values, gates, items) are
left out of the path. Used by `gradegate rules diff`, the analysts' page and reports.
"""

from __future__ import annotations

from typing import Any

import yaml

from gradegate.scoring.messages import render

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
            return "band " + " ".join(bounds)  # the rule file's own words: `band from 500 below 2000`
    return f"#{index + 1}"


def _show(value: Any) -> str:
    if isinstance(value, dict | list):
        return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()
    return _say("diff.none_value") if value is None else str(value)


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
                out.append(_say("diff.removed", what=_join(sub) or key))
            elif key not in a:
                out.append(_say("diff.added", what=_join(sub) or key, value=_show(b[key])))
            else:
                _walk(a[key], b[key], sub, out)
        return
    if isinstance(a, list) and isinstance(b, list) and all(isinstance(x, dict) for x in [*a, *b]):
        ia = {_ident(x, i): x for i, x in enumerate(a)}
        ib = {_ident(x, i): x for i, x in enumerate(b)}
        if len(ia) == len(a) and len(ib) == len(b):
            for key in [*ia, *(k for k in ib if k not in ia)]:
                if key not in ib:
                    out.append(_say("diff.removed", what=_join([*path, key])))
                elif key not in ia:
                    out.append(_say("diff.added", what=_join([*path, key]), value=_show(ib[key])))
                else:
                    _walk(ia[key], ib[key], [*path, key], out)
            if [k for k in ia if k in ib] != [k for k in ib if k in ia]:
                out.append(_say("diff.reordered", what=_join(path) or "列表"))
            return
    where = f"{_join(path[:-1])} {path[-1]}" if len(path) > 1 else _join(path) or "内容"
    out.append(f"{where} {_show(a)} → {_show(b)}")


def _say(key: str, **params: Any) -> str:
    return render(key, "zh", **params)


def _label(name: str) -> str:
    return name.rsplit(".", 1)[0]


def diff_files(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """One line per changed file, `label: change; change`, in file order; empty when nothing changed."""
    lines: list[str] = []
    for name in sorted({*before, *after}):
        label = _label(name)
        if name not in after:
            lines.append(f"{label}: {_say('diff.file_removed')}")
        elif name not in before:
            lines.append(f"{label}: {_say('diff.file_added')}")
        elif before[name] != after[name]:
            try:
                a, b = yaml.safe_load(before[name]), yaml.safe_load(after[name])
            except yaml.YAMLError:
                lines.append(f"{label}: {_say('diff.unreadable')}")
                continue
            if name.startswith("scenarios/") and isinstance(a, list) and isinstance(b, list):
                count = _say("diff.cases", before=len(a), after=len(b)) if len(a) != len(b) else _say("diff.changed")
                lines.append(f"{label}: {count}")
                continue
            changes: list[str] = []
            _walk(a, b, [], changes)
            lines.append(f"{label}: {'; '.join(changes) if changes else _say('diff.layout_only')}")
    return lines
